import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POLLING_CONFLICT_MESSAGE } from "../../src/bot/run.js";
import { startFakeBotApi, type BotMessage, type FakeBotApi } from "../fake-bot-api/index.js";
import { freePort, startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { startBotProcess, tail, type BotProcess } from "./bot-process.js";

/*
 * Real bot processes against the fake Bot API: a second process long-polling with the same token, a
 * REDIS_URL that answers nothing, button state across a restart of the one process, and a process with its
 * state in a real redis-server that is stopped and started again under it.
 */

const TOKEN = "7000000002:AAFakeTokenForReplicaProcessTests_tan";
const QUESTION = "Ke mana pejabat Bandung Barat studi banding?";
let api: FakeBotApi;
let redis: RedisServer | undefined;
const bots: BotProcess[] = [];

function start(env: Record<string, string> = {}): BotProcess {
  const bot = startBotProcess({ token: TOKEN, apiRoot: api.apiRoot, adminIds: [], env });
  bots.push(bot);
  return bot;
}

function buttonsOf(message: BotMessage): string[] {
  return (message.message.reply_markup?.inline_keyboard ?? []).flat().flatMap((button) => ("callback_data" in button && button.callback_data ? [button.callback_data] : []));
}

function exitedWith(bot: BotProcess, timeoutMs: number): Promise<{ code: number | null } | "running"> {
  return Promise.race([bot.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), timeoutMs))]);
}

beforeAll(async () => {
  api = await startFakeBotApi({ token: TOKEN, botUsername: "TanyaEgovBot", defaultTimeoutMs: 60_000 });
});

afterEach((context) => {
  if (context.task.result?.state === "fail") for (const bot of bots) console.error(`--- bot log ---\n${tail(bot, 30)}`);
});

afterAll(async () => {
  for (const bot of bots) bot.cleanup();
  await redis?.stop();
  await api?.stop();
});

describe("bot processes", () => {
  it("REDIS_URL that nothing answers: a clear message and a non-zero exit, before the model is loaded", async () => {
    const bot = start({ REDIS_URL: "redis://:pw-secret@127.0.0.1:1/0" });
    const result = await exitedWith(bot, 60_000);
    expect(result).toMatchObject({ code: 1 });
    const output = bot.logs.join("\n");
    expect(output).toContain("cannot reach Redis at redis://:***@127.0.0.1:1/0");
    expect(output).not.toContain("pw-secret");
    expect(output).not.toContain("index loaded");
  }, 90_000);

  it("two processes polling with one token: one exits with a clear message, the other keeps answering; its buttons survive its restart", async () => {
    const first = start();
    await api.waitForPolling({ timeoutMs: 240_000 });
    const polls = api.calls("getUpdates").length;
    // Both use the first one's folders (the second's own temporary folders stay unused).
    const second = start({ KNOWLEDGE_DIR: first.knowledgeDir, DATA_DIR: first.dataDir });
    // Telegram ends the older poll when a newer one arrives, so the instance that gives up is the first.
    const loser = await Promise.race([first.exited.then(() => first), second.exited.then(() => second)]);
    const survivor = loser === first ? second : first;
    expect(await loser.exited).toMatchObject({ code: 1 });
    expect(loser.logRecords().some((line) => line.msg === POLLING_CONFLICT_MESSAGE)).toBe(true);
    expect(api.calls("getUpdates").length).toBeGreaterThan(polls);

    const sari = api.privateChat({ id: 61001, first_name: "Sari", language_code: "id" });
    await api.sendUserMessage({ chat: sari, text: QUESTION });
    const answer = await api.waitForBotMessage({ chat: sari, timeoutMs: 60_000, predicate: (message) => buttonsOf(message).length > 0 });
    expect(answer.text).toContain("Bandung Barat");
    expect(await exitedWith(survivor, 1_000)).toBe("running");

    // Restart of the one process: the same data folder, the old answer's buttons still work.
    expect(await survivor.stop()).toMatchObject({ code: 0 });
    start({ KNOWLEDGE_DIR: first.knowledgeDir, DATA_DIR: first.dataDir });
    await api.waitForPolling({ timeoutMs: 240_000 });
    const more = buttonsOf(answer).find((data) => data.startsWith("m:"))!;
    const pressed = await api.pressButton({ chat: sari, message: answer, callbackData: more });
    const reply = await api.waitForCallbackAnswer(pressed);
    expect(reply.text ?? "").not.toContain("ajukan pertanyaannya lagi");
    const page = await api.waitForBotMessage({ chat: sari, timeoutMs: 60_000 });
    expect(page.text).toContain("Sumber lainnya");
  }, 600_000);

  it("with REDIS_URL: Redis stopped and started again under the running process, answers continue and nothing crashes", async () => {
    for (const bot of bots) await bot.stop();
    redis = await startRedisServer();
    const metricsPort = await freePort();
    const bot = start({ REDIS_URL: redis.url, METRICS_PORT: String(metricsPort) });
    await api.waitForPolling({ timeoutMs: 240_000 });
    const http = (path: string) => fetch(`http://127.0.0.1:${metricsPort}${path}`);
    const john = api.privateChat({ id: 61002, first_name: "John", language_code: "id" });
    const ask = async (predicate?: (message: BotMessage) => boolean) => {
      await api.sendUserMessage({ chat: john, text: QUESTION });
      return api.waitForBotMessage({ chat: john, timeoutMs: 60_000, ...(predicate ? { predicate } : {}) });
    };
    const withButtons = await ask((message) => buttonsOf(message).length > 0);
    expect((await http("/readyz")).status).toBe(200);
    expect(await (await http("/metrics")).text()).toContain("tanya_redis_up 1");

    await redis.stop();
    const during = await ask();
    expect(during.text).toContain("Bandung Barat");
    expect(buttonsOf(during)).toEqual([]);
    const old = await api.pressButton({ chat: john, message: withButtons, callbackData: buttonsOf(withButtons).find((data) => data.startsWith("m:"))! });
    expect((await api.waitForCallbackAnswer(old)).text).toContain("ajukan pertanyaannya lagi");
    expect((await http("/readyz")).status).toBe(503);
    expect(await (await http("/metrics")).text()).toContain("tanya_redis_up 0");

    await redis.start();
    const deadline = Date.now() + 15_000;
    while ((await http("/readyz")).status !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await ask((message) => buttonsOf(message).length > 0);
    const pressed = await api.pressButton({ chat: john, message: after, callbackData: buttonsOf(after).find((data) => data.startsWith("m:"))! });
    expect((await api.waitForCallbackAnswer(pressed)).text ?? "").not.toContain("ajukan pertanyaannya lagi");
    const records = bot.logRecords();
    expect(records.filter((line) => line.msg === "Redis unreachable; answering with degraded shared state")).toHaveLength(1);
    expect(records.some((line) => line.msg === "Redis reachable again; shared state restored")).toBe(true);
    expect(await bot.stop()).toMatchObject({ code: 0 });
  }, 600_000);
});
