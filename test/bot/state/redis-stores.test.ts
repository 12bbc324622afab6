import type { BotError } from "grammy";
import type { Message } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LocalButtonStore, type AnswerState } from "../../../src/bot/state/button-store.js";
import { DOCUMENT_FILE_IDS_FILE, documentKey, LocalDocumentFileIds } from "../../../src/bot/state/document-file-ids.js";
import { openState, type BotState } from "../../../src/bot/state/open-state.js";
import { connectRedis, type RedisConnection } from "../../../src/bot/state/redis-connection.js";
import { RedisGapStore } from "../../../src/bot/state/redis-gaps.js";
import { RedisStats } from "../../../src/bot/state/redis-stats.js";
import { RedisUpdateClaims, UpdateInProgressError } from "../../../src/bot/state/update-claims.js";
import { createLogger } from "../../../src/config/logger.js";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.js";
import { createBot } from "../../../src/bot/bot.js";
import { runBot, type RunningBot } from "../../../src/bot/run.js";
import { BOT_INFO, buttonsOf, callback, fakeEngine, harness, JOHN, privateChatOf, sampleAnswer, SARI, textMessage, TOKEN, type Harness } from "../helpers.js";

/*
 * The shared stores against a real redis-server, and two bots ("replicas") sharing them the way two processes
 * behind a load balancer do: what one stores, the other reads.
 */

const silent = createLogger("silent");
const BUTTONS = { size: 100, ttlMs: 24 * 60 * 60 * 1000 };

let server: RedisServer;
const opened: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  for (const resource of opened.splice(0)) await resource.close();
  const client = server.client();
  await client.flushall();
  await client.quit();
});

async function replicaState(): Promise<BotState> {
  const state = await openState({ dataDir: "/nonexistent-not-used-with-redis", redisUrl: server.url, buttons: BUTTONS }, silent);
  opened.push(state);
  return state;
}

async function connection(): Promise<RedisConnection> {
  const redis = await connectRedis(server.url, silent);
  opened.push(redis);
  return redis;
}

function replica(state: BotState): Harness {
  return harness({ deps: { state, stats: state.stats }, options: { rateLimit: { limit: 3, windowMs: 60_000 } } });
}

function stateOf(question: string): AnswerState {
  return { answer: sampleAnswer(question), remaining: [2, 3, 4, 5], numbers: new Map([["banyuwangi", 1]]), votes: new Map([[SARI.id, "up"]]) };
}

describe("Redis stores", () => {
  it("button state written by one replica is read by another, Maps included, and expires within 24 h", async () => {
    const [a, b] = [await replicaState(), await replicaState()];
    const key = await a.buttons.add(stateOf("Apa itu SPBE?"));
    expect(key).toMatch(/^[\w-]{8}$/);
    const read = await b.buttons.get(key!);
    expect(read?.answer.question).toBe("Apa itu SPBE?");
    expect(read?.numbers.get("banyuwangi")).toBe(1);
    expect(read?.votes.get(SARI.id)).toBe("up");
    read!.remaining.splice(0, 3);
    await b.buttons.update(key!, read!);
    expect((await a.buttons.get(key!))?.remaining).toEqual([5]);
    expect(await a.buttons.get("unknown1")).toBeUndefined();
    const client = server.client();
    const ttl = await client.ttl(`tanya:buttons:${key}`);
    await client.quit();
    expect(ttl).toBeGreaterThan(23 * 3600);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it("a source document's Telegram file id saved by one replica is reused by the other, expires when unused, and can be forgotten", async () => {
    const [one, two] = [await replicaState(), await replicaState()];
    const key = documentKey({ file: "regulasi/perpres-95-2018.pdf", contentHash: "abc" });
    expect(await two.documents.get(key)).toBeUndefined();
    await one.documents.set(key, "BQACAgUAAxkBAAIBfile");
    expect(await two.documents.get(key)).toBe("BQACAgUAAxkBAAIBfile");
    // A changed document is another key: the old file's id is never sent for it.
    expect(await two.documents.get(documentKey({ file: "regulasi/perpres-95-2018.pdf", contentHash: "abd" }))).toBeUndefined();
    const client = server.client();
    const ttl = await client.ttl(`tanya:docfile:${key}`);
    await client.quit();
    expect(ttl).toBeGreaterThan(300 * 24 * 60 * 60);
    await two.documents.delete(key);
    expect(await one.documents.get(key)).toBeUndefined();
  });

  it("an update_id is claimed by exactly one of several replicas racing for it, and skipped by all once handled", async () => {
    const claims = [new RedisUpdateClaims(await connection()), new RedisUpdateClaims(await connection()), new RedisUpdateClaims(await connection())];
    const results = await Promise.all(claims.flatMap((claim) => [claim.claim(777), claim.claim(777)]));
    expect(results.filter((result) => result === "handle")).toHaveLength(1);
    expect(results.filter((result) => result === "in-progress")).toHaveLength(5);
    await claims[0]!.finish(777);
    expect(await Promise.all(claims.map((claim) => claim.claim(777)))).toEqual(["handled", "handled", "handled"]);
    expect(await claims[1]!.claim(778)).toBe("handle");
  });

  it("a claim whose replica died (never finished) runs out, and the update is handled on a later redelivery", async () => {
    const deadConnection = await connection();
    const [dead, survivor] = [new RedisUpdateClaims(deadConnection, 1), new RedisUpdateClaims(await connection(), 1)];
    expect(await dead.claim(900)).toBe("handle");
    expect(await survivor.claim(900)).toBe("in-progress");
    // Its process is gone: nothing renews the lease any more.
    deadConnection.redis.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await survivor.claim(900)).toBe("handle");
    await survivor.finish(900);
  });

  it("an update handled before Redis lost its data is still skipped, on this replica and then on the others", async () => {
    const [one, two] = [new RedisUpdateClaims(await connection()), new RedisUpdateClaims(await connection())];
    expect(await one.claim(902)).toBe("handle");
    await one.finish(902);
    const client = server.client();
    await client.flushall();
    await client.quit();
    expect(await one.claim(902)).toBe("handled");
    expect(await two.claim(902)).toBe("handled");
  });

  it("a claim held by a live replica is renewed for as long as its update takes, and ends as handled", async () => {
    const [slow, other] = [new RedisUpdateClaims(await connection(), 1), new RedisUpdateClaims(await connection(), 1)];
    expect(await slow.claim(901)).toBe("handle");
    // Three leases long: without renewal the other replica would take the update over and answer it again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await other.claim(901)).toBe("in-progress");
    await slow.finish(901);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await other.claim(901)).toBe("handled");
  });

  it("statistics from two replicas add up: counts, most asked, a changed vote", async () => {
    const [a, b] = [new RedisStats(await connection()), new RedisStats(await connection())];
    a.recordQuestion("Apa itu SPBE?", "direct");
    b.recordQuestion("  apa itu spbe", "related");
    b.recordQuestion("Siapa?", "none");
    a.recordFeedback("up");
    b.recordFeedback("down", "up");
    await Promise.all([a.flush(), b.flush()]);
    expect(await b.summary()).toMatchObject({ answered: 2, related: 1, notFound: 1, up: 0, down: 1, top: [{ text: "Apa itu SPBE?", count: 2 }, { text: "Siapa?", count: 1 }] });
  });
});

describe("Redis gaps", () => {
  it("gaps recorded by two replicas add up over the window, newest wording and kind win, old days drop out", async () => {
    const [a, b] = [new RedisGapStore(await connection()), new RedisGapStore(await connection())];
    const now = new Date("2026-06-15T12:00:00Z");
    const DAY = 24 * 60 * 60 * 1000;
    a.record("Berapa anggaran SPBE?", "none", "id", new Date(now.getTime() - 10 * DAY));
    b.record("berapa anggaran spbe", "related", "id", now);
    b.record("Who runs LAPOR!?", "none", "en", new Date(now.getTime() - 1000));
    a.record("Kapan SPBE dimulai?", "none", "id", new Date(now.getTime() - 40 * DAY));
    await Promise.all([a.flush(), b.flush()]);
    expect(await a.list({ days: 30, limit: 10, now })).toEqual([
      { text: "berapa anggaran spbe", count: 2, lastAt: now.toISOString(), kind: "related", lang: "id" },
      { text: "Who runs LAPOR!?", count: 1, lastAt: new Date(now.getTime() - 1000).toISOString(), kind: "none", lang: "en" },
    ]);
    expect(await b.list({ days: 7, limit: 1, now })).toMatchObject([{ text: "berapa anggaran spbe", count: 1 }]);
  });
});

describe("two bots sharing Redis", () => {
  it("a button pressed on the other replica works, and a vote there is counted once per user", async () => {
    const [stateA, stateB] = [await replicaState(), await replicaState()];
    const [a, b] = [replica(stateA), replica(stateB)];
    await a.handle(textMessage("Ke mana pejabat Bandung Barat studi banding?"));
    const buttons = buttonsOf(a.sent("sendMessage").at(-1));
    const message = { message_id: 555, date: 0, chat: privateChatOf(SARI), text: "answer" } as Message;
    await b.handle(callback(buttons.find((data) => data.startsWith("m:"))!, { message }));
    expect(b.sent("sendMessage")[0]?.text).toContain("[3] Kemlu gandeng Pemkot Surabaya");
    const up = buttons.find((data) => data.endsWith(":u"))!;
    await b.handle(callback(up, { message }));
    await a.handle(callback(up, { message }));
    await a.handle(callback(up, { message, from: JOHN }));
    await Promise.all([stateA.stats.flush(), stateB.stats.flush()]);
    expect(await stateA.stats.summary()).toMatchObject({ answered: 1, up: 2, down: 0 });
  });

  it("a redelivered update is answered once, whichever replica gets it; one still being answered is refused for later", async () => {
    const [a, b] = [replica(await replicaState()), replica(await replicaState())];
    const update = { update_id: 424242, ...textMessage("Apa itu SPBE?") };
    const concurrent = await Promise.allSettled([a.app.bot.handleUpdate(update), b.app.bot.handleUpdate(update), a.app.bot.handleUpdate(update)]);
    expect([...a.sent("sendMessage"), ...b.sent("sendMessage")]).toHaveLength(1);
    // The webhook server answers these with 503, so Telegram tries again later.
    for (const result of concurrent.filter((settled) => settled.status === "rejected")) {
      expect(((result as PromiseRejectedResult).reason as BotError).error).toBeInstanceOf(UpdateInProgressError);
    }
    await b.app.bot.handleUpdate(update);
    await a.app.bot.handleUpdate(update);
    expect([...a.sent("sendMessage"), ...b.sent("sendMessage")]).toHaveLength(1);
  });

  it("the per-user rate limit holds across replicas", async () => {
    const [a, b] = [replica(await replicaState()), replica(await replicaState())];
    for (const [index, bot] of [a, b, a, b, a].entries()) await bot.handle(textMessage(`Pertanyaan nomor ${index}`, { from: JOHN }));
    const answered = [...a.engine.questions, ...b.engine.questions];
    expect(answered).toHaveLength(3);
    const notices = [...a.sent("sendMessage"), ...b.sent("sendMessage")].filter((payload) => String(payload.text).includes("too fast"));
    expect(notices).toHaveLength(1);
  });
});

describe("two webhook servers sharing Redis", () => {
  it("an update redelivered while the other replica is still answering it gets 503 (Telegram retries), and 200 once answered", async () => {
    const SECRET = "shared-secret_1";
    const logger = silent;
    const servers: RunningBot[] = [];
    let release: () => void = () => {};
    const slowAnswer = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sent: string[] = [];
    try {
      for (let replicaIndex = 0; replicaIndex < 2; replicaIndex++) {
        const telegram = { token: TOKEN, apiRoot: undefined, adminUserIds: new Set<number>(), allowedChatIds: undefined, webhookUrl: "https://bot.example.org/hook", webhookSecret: SECRET, webhookPort: 0, maxUploadBytes: 1024 };
        const engine = fakeEngine();
        const answer = engine.answer;
        engine.answer = async (question) => {
          await slowAnswer;
          return answer(question);
        };
        const state = await replicaState();
        const app = createBot({ engine, settings: { telegram }, logger, stats: state.stats, gaps: state.gaps, state, botInfo: BOT_INFO });
        app.bot.api.config.use(async (_prev, method, payload) => {
          if (method === "sendMessage") sent.push(String((payload as { text?: string }).text));
          const result = method === "sendMessage" ? { message_id: 1, date: 0, chat: { id: SARI.id, type: "private", first_name: "S" }, text: "x" } : true;
          return { ok: true, result } as never;
        });
        servers.push(await runBot(app, { settings: { telegram }, logger, graceMs: 5_000 }));
      }
      const update = JSON.stringify({ update_id: 5150, ...textMessage("Apa itu SPBE?") });
      const deliver = (server: RunningBot) => fetch(`http://127.0.0.1:${server.port}/hook`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: update });
      const first = deliver(servers[0]!);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await deliver(servers[1]!)).status).toBe(503);
      release();
      expect((await first).status).toBe(200);
      expect((await deliver(servers[1]!)).status).toBe(200);
      expect(sent).toHaveLength(1);
    } finally {
      release();
      for (const server of servers) await server.stop();
    }
  });
});

describe("without Redis", () => {
  it("REDIS_URL pointing at nothing fails at start with a message that names it, password hidden", async () => {
    await expect(connectRedis("redis://:secret-pass@127.0.0.1:1", silent, { connectTimeoutMs: 500 })).rejects.toThrow(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1.*unset REDIS_URL/);
  });

  it("one process keeps button state in DATA_DIR across a restart, bounded and without expired entries", async () => {
    const { mkdtempSync, rmSync, writeFileSync, readFileSync, appendFileSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = mkdtempSync(path.join(os.tmpdir(), "tanya-buttons-"));
    try {
      let now = 1_000_000;
      const clock = () => now;
      const first = await LocalButtonStore.open(dir, { size: 3, ttlMs: 1000 }, silent, clock);
      const old = await first.add(stateOf("lama"));
      now += 600;
      const keys = [await first.add(stateOf("satu")), await first.add(stateOf("dua")), await first.add(stateOf("tiga"))];
      const changed = (await first.get(keys[0]!))!;
      changed.remaining = [];
      await first.update(keys[0]!, changed);
      await first.close();
      appendFileSync(path.join(dir, "button-state.jsonl"), "{not json\n");

      now += 500; // "lama" has expired; the other three are younger than a second
      const second = await LocalButtonStore.open(dir, { size: 3, ttlMs: 1000 }, silent, clock);
      expect(await second.get(old)).toBeUndefined();
      expect((await second.get(keys[0]!))?.remaining).toEqual([]);
      expect((await second.get(keys[2]!))?.answer.question).toBe("tiga");
      // Rewritten at start with the live entries only.
      expect(readFileSync(path.join(dir, "button-state.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
      writeFileSync(path.join(dir, "button-state.jsonl"), "");
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("one process keeps source-document file ids in DATA_DIR across a restart; a damaged file only costs uploads", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = mkdtempSync(path.join(os.tmpdir(), "tanya-docfiles-"));
    try {
      const [kept, forgotten] = [documentKey({ file: "a.pdf", contentHash: "1" }), documentKey({ file: "b.docx", contentHash: "2" })];
      const first = await LocalDocumentFileIds.open(dir, silent);
      await first.set(kept, "file-a");
      await first.set(forgotten, "file-b");
      await first.delete(forgotten);
      await first.close();
      const second = await LocalDocumentFileIds.open(dir, silent);
      expect(await second.get(kept)).toBe("file-a");
      expect(await second.get(forgotten)).toBeUndefined();
      writeFileSync(path.join(dir, DOCUMENT_FILE_IDS_FILE), "{damaged");
      const third = await LocalDocumentFileIds.open(dir, silent);
      expect(await third.get(kept)).toBeUndefined();
      await third.set(kept, "file-a2");
      await third.close();
      expect(await (await LocalDocumentFileIds.open(dir, silent)).get(kept)).toBe("file-a2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
