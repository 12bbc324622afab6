import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import { startBotProcess, tail, type BotProcess } from "../e2e/bot-process.js";
import { startFakeBotApi, type BotMessage, type ChatHandle, type FakeBotApi } from "../fake-bot-api/index.js";
import { SEED_TRAFFIC_QUESTIONS } from "../helpers/seed-traffic.js";
import { percentile, until } from "../reliability/helpers.js";
import { RoundRobinProxy } from "./round-robin-proxy.js";
import { GERAI_LAYAN_ANSWER, GERAI_LAYAN_ARTICLE, GERAI_LAYAN_QUESTION } from "../helpers/gerai-layan.js";

/*
 * Two real bot processes in webhook mode behind a round-robin proxy on 127.0.0.1, sharing one knowledge folder
 * and one data folder, fed by the fake Bot API's webhook delivery (retries with back-off, like Telegram).
 *
 *   npm test                 REPLICAS_USERS × REPLICAS_QUESTIONS = 10 × 3 (CI size)
 *   npm run test:replicas    100 users × 20 questions (vitest.replicas.config.ts)
 *
 * Checks: an article uploaded through one replica is answered by the other within 5 s; under load every question
 * is answered, and SIGKILLing one replica in the middle loses none (the updates it held are retried by the sender
 * and reach the survivor). An update the killed replica had answered but not yet acknowledged is answered again
 * by the survivor: the documented lost-response case, bounded here by what it held at the kill.
 */

const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
};
const USERS = int("REPLICAS_USERS", 10);
const QUESTIONS = int("REPLICAS_QUESTIONS", 3);
const GROUP_SIZE = 5;
const ANSWER_TIMEOUT_MS = int("REPLICAS_ANSWER_TIMEOUT_MS", 120_000);
const TOKEN = "7000000011:AAReplicaSuiteSecretPart_x8Qe3";
const USERNAME = "TanyaEgovBot";
const SECRET = "replica-suite-secret";
const ADMIN_ID = 90_011;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let root: string;
let api: FakeBotApi;
let proxy: RoundRobinProxy;
let admin: ChatHandle;
const replicas = new Map<string, BotProcess>();

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "tanya-replicas-"));
  const knowledgeDir = path.join(root, "knowledge");
  const dataDir = path.join(root, "data");
  cpSync(path.join(PROJECT_ROOT, "knowledge"), knowledgeDir, { recursive: true, filter: (source) => !source.includes(".trash") });
  const ports = { A: await freePort(), B: await freePort() };
  proxy = new RoundRobinProxy(Object.entries(ports).map(([name, port]) => ({ name, port })));
  await proxy.start();
  api = await startFakeBotApi({ token: TOKEN, botUsername: USERNAME, defaultTimeoutMs: ANSWER_TIMEOUT_MS, queryTtlMs: 120_000, webhook: { origin: proxy.origin, timeoutMs: 15_000, retryBaseMs: 200, retryMaxMs: 2_000 } });
  admin = api.privateChat({ id: ADMIN_ID, first_name: "Admin", language_code: "en" });
  // One after the other: the first builds the shared index, the second loads it.
  for (const [name, port] of Object.entries(ports)) {
    const bot = startBotProcess({
      token: TOKEN,
      apiRoot: api.apiRoot,
      adminIds: [ADMIN_ID],
      env: {
        KNOWLEDGE_DIR: knowledgeDir,
        DATA_DIR: dataDir,
        WEBHOOK_URL: "https://bot.example.org/tg/hook",
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        // Per-process rate limits would count each replica separately; shared limits come with REDIS_URL.
        RATE_LIMIT_PER_MINUTE: "1000000",
        RATE_LIMIT_PER_CHAT_PER_MINUTE: "1000000",
      },
    });
    replicas.set(name, bot);
    try {
      await until(`replica ${name} to serve its webhook`, () => bot.logRecords().some((r) => r.msg === "webhook server started") || (bot.child.exitCode !== null ? Promise.reject(new Error("exited")) : undefined), 240_000, 50);
      await until(`replica ${name}'s startup refresh`, () => bot.logRecords().some((r) => /^startup refresh (finished|failed)/.test(String(r.msg))), 120_000, 50);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- replica ${name} log ---\n${tail(bot, 60)}`);
    }
  }
}, 600_000);

afterAll(async () => {
  for (const bot of replicas.values()) {
    if (bot.child.exitCode === null && bot.child.signalCode === null) await bot.stop(15_000).catch(() => undefined);
    bot.cleanup();
  }
  expect(api?.internalErrors()).toEqual([]);
  await api?.stop();
  await proxy?.stop();
  rmSync(root, { recursive: true, force: true });
});

function updateIdOf(chat: ChatHandle, message: { message_id: number }): number | undefined {
  return api.updates().find((r) => r.update.message?.chat.id === chat.id && r.update.message.message_id === message.message_id)?.update.update_id;
}

describe("two replicas behind a load balancer, one shared knowledge base", () => {
  it("an article uploaded through one replica is answered by the other within 5 s", async () => {
    const upload = await api.sendUserDocument({ chat: admin, fileName: "gerai-layan.md", content: GERAI_LAYAN_ARTICLE });
    const added = await api.waitForBotEdit({ chat: admin, predicate: (_m, version) => /Added article|not added|could not be updated/.test(version.text), timeoutMs: 180_000 });
    const addedAt = Date.now();
    expect(added.version.text).toContain("Added article");
    const through = proxy.backendOf(updateIdOf(admin, upload)!);
    expect(through).toBeDefined();

    // Ask until a question reaches the other replica and it quotes the new article.
    let answeredByOther: BotMessage | undefined;
    let attempts = 0;
    while (!answeredByOther && Date.now() - addedAt < 5_000) {
      const user = api.privateChat({ id: 700_000 + attempts++, first_name: "Warga", language_code: "id" });
      const question = await api.sendUserMessage({ chat: user, text: GERAI_LAYAN_QUESTION });
      const answer = await api.waitForBotMessage({ chat: user, timeoutMs: 30_000 });
      if (proxy.backendOf(updateIdOf(user, question)!) !== through && answer.text.includes(GERAI_LAYAN_ANSWER)) answeredByOther = answer;
    }
    const seconds = (Date.now() - addedAt) / 1000;
    console.info(`[replicas] upload through replica ${through}: answered by the other replica ${seconds.toFixed(2)} s after the upload report (${attempts} question(s))`);
    expect(answeredByOther).toBeDefined();
  }, 300_000);

  it(`${USERS} users × ${QUESTIONS} questions: every question answered; a replica SIGKILLed half-way loses none`, async () => {
    const groups: ChatHandle[] = [];
    for (let i = 0; i < Math.ceil(USERS / GROUP_SIZE); i++) groups.push(api.groupChat({ title: `Replika ${i + 1}` }));
    const chats = new Set(groups.map((group) => group.id));
    const answers = new Map<string, number>();
    const arrived = new Map<string, BotMessage>();
    let seen = 0;
    const collect = (): void => {
      const fresh = api.botMessagesSince(seen);
      seen += fresh.length;
      for (const message of fresh) {
        if (!chats.has(message.chatId) || message.replyToMessageId === undefined) continue;
        const key = `${message.chatId}:${message.replyToMessageId}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        if (!arrived.has(key)) arrived.set(key, message);
      }
    };
    const total = USERS * QUESTIONS;
    const killAt = Math.floor(total / 2);
    let answered = 0;
    let killed: { at: number; held: number } | undefined;
    const roundTrips = { two: [] as number[], one: [] as number[] };
    const asked: string[] = [];
    const started = Date.now();
    try {
      await Promise.all(
        Array.from({ length: USERS }, async (_, u) => {
          const user = api.user({ id: 800_000 + u, first_name: `Beban${u}`, language_code: u % 3 === 0 ? "en" : "id" });
          const group = groups[Math.floor(u / GROUP_SIZE)]!;
          for (let q = 0; q < QUESTIONS; q++) {
            const question = SEED_TRAFFIC_QUESTIONS[(u * 7 + q * 3) % SEED_TRAFFIC_QUESTIONS.length]!;
            const queuedAt = Date.now();
            const phase = killed ? "one" : "two";
            const message = await api.sendUserMessage({ chat: group, from: user, text: `/ask@${USERNAME} ${question}` });
            const key = `${group.id}:${message.message_id}`;
            asked.push(key);
            const answer = await until(`an answer to ${key}`, () => (collect(), arrived.get(key)), ANSWER_TIMEOUT_MS, 5);
            roundTrips[phase].push(answer.sentAt - queuedAt);
            if (++answered === killAt && !killed) {
              killed = { at: 0, held: 0 };
              // Kill it while it is handling updates (up to 2 s of waiting for one), so some are lost in flight.
              await until("replica B to be handling an update", () => (proxy.inFlight.get("B")?.size ?? 0) > 0, 2_000, 1).catch(() => undefined);
              killed = { at: Date.now() - started, held: proxy.inFlight.get("B")?.size ?? 0 };
              replicas.get("B")!.kill();
            }
          }
        }),
      );
    } catch (error) {
      for (const [name, bot] of replicas) console.error(`--- replica ${name} (last lines) ---\n${tail(bot, 30)}`);
      throw error;
    }
    const seconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    collect();
    const duplicates = asked.filter((key) => answers.get(key)! > 1);
    const report = {
      questions: total,
      answered: asked.filter((key) => answers.has(key)).length,
      duplicates: duplicates.length,
      seconds: Math.round(seconds * 10) / 10,
      killedReplicaB: killed,
      roundTripMs: {
        twoReplicas: { n: roundTrips.two.length, p50: percentile(roundTrips.two, 50), p95: percentile(roundTrips.two, 95) },
        oneReplica: { n: roundTrips.one.length, p50: percentile(roundTrips.one, 50), p95: percentile(roundTrips.one, 95) },
      },
      webhookRetries: api.webhookAttempts().filter((a) => a.outcome === "retry").length,
    };
    console.info(`[replicas] ${JSON.stringify(report, null, 2)}`);
    expect(report.answered).toBe(total);
    expect(killed).toBeDefined();
    // Only what the killed replica held at the kill can have been answered twice (answered, acknowledgement lost).
    expect(duplicates.length).toBeLessThanOrEqual(killed!.held);
    expect(api.failedCalls().map((call) => `${call.method}: ${call.description}`)).toEqual([]);
    const survivor = replicas.get("A")!;
    expect(survivor.child.exitCode).toBeNull();
  }, 60 * 60 * 1000);

  // Shared state across replicas comes with REDIS_URL (button data, rate limits, update de-duplication); their
  // checks belong here, against a real redis-server started by the suite:
  it.todo("a button pressed on the other replica works (REDIS_URL)");
  it.todo("rate limits hold across replicas (REDIS_URL)");
  it.todo("an update redelivered to the other replica is not answered twice (REDIS_URL de-duplication)");
  it.todo("Redis stopped and restarted mid-run: no crash, answers continue");
});
