import type { Message } from "grammy/types";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHealthServer } from "../../../src/bot/health.js";
import { openState, type BotState } from "../../../src/bot/state/open-state.js";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.js";
import { ADMIN, buttonsOf, callback, harness, JOHN, privateChatOf, SARI, textMessage, type Harness } from "../helpers.js";

/*
 * Redis taken away under two running bots and given back: answers continue throughout with the documented
 * degradation, one warning for the outage, and shared state again once Redis returns.
 */

let server: RedisServer;
const logLines: Array<{ level: number; msg: string }> = [];
const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(JSON.parse(line) as { level: number; msg: string }) });
let states: BotState[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  states = [
    await openState({ dataDir: "/unused", redisUrl: server.url, buttons: { size: 100, ttlMs: 60_000 } }, logger),
    await openState({ dataDir: "/unused", redisUrl: server.url, buttons: { size: 100, ttlMs: 60_000 } }, logger),
  ];
});

afterAll(async () => {
  for (const state of states) await state.close();
  await server?.stop();
});

const message = { message_id: 555, date: 0, chat: privateChatOf(SARI), text: "answer" } as Message;

async function ask(bot: Harness, question: string, from = SARI): Promise<Record<string, unknown> | undefined> {
  bot.reset();
  await bot.handle(textMessage(question, { from }));
  return bot.sent("sendMessage").at(-1);
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("Redis lost while running", () => {
  it("answers continue without buttons, old buttons say ask again, one warning; all shared again after recovery", async () => {
    const [a, b] = states.map((state) => harness({ deps: { state, stats: state.stats }, options: { rateLimit: { limit: 50, windowMs: 60_000 } } })) as [Harness, Harness];
    const health = await startHealthServer({ readiness: [{ name: "redis", check: () => states[0]!.redis!.ping() }] }, 0, logger);
    const address = health.address();
    const readyz = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/readyz`;
    try {
      const before = await ask(a, "Ke mana pejabat Bandung Barat studi banding?");
      const more = buttonsOf(before).find((data) => data.startsWith("m:"))!;
      expect(more).toBeDefined();
      expect((await fetch(readyz)).status).toBe(200);

      await server.stop();
      const during = [await ask(a, "Apa itu SPBE?"), await ask(b, "Apa itu SPBE?", JOHN), await ask(b, "Siapa yang studi banding?")];
      for (const payload of during) {
        expect(payload?.text).toContain("Bandung Barat");
        expect(buttonsOf(payload)).toEqual([]);
      }
      // Rate limits fall back to each replica's memory: a strict bot still limits during the outage.
      const strict = harness({ deps: { state: states[1]!, stats: states[1]!.stats }, options: { rateLimit: { limit: 2, windowMs: 60_000 } } });
      for (const question of ["satu", "dua", "tiga", "empat"]) await strict.handle(textMessage(`Pertanyaan ${question}`, { from: JOHN }));
      expect(strict.engine.questions).toHaveLength(2);
      b.reset();
      await b.handle(textMessage("/stats", { from: ADMIN }));
      expect(b.sent("sendMessage")[0]?.text).toContain("Statistics are unavailable right now");
      b.reset();
      await b.handle(callback(more, { message }));
      expect(b.sent("answerCallbackQuery")[0]).toMatchObject({ text: expect.stringContaining("ajukan pertanyaannya lagi"), show_alert: true });
      const readyDuring = await fetch(readyz);
      expect(readyDuring.status).toBe(503);
      expect(await readyDuring.text()).toContain("redis: not ready");
      // One warning per replica for the whole outage, though every store of each failed several times.
      const warnings = logLines.filter((line) => line.msg.startsWith("Redis unreachable"));
      expect(warnings).toHaveLength(states.length);

      await server.start();
      await until(async () => (await Promise.all(states.map((state) => state.redis!.ping()))).every(Boolean));
      const after = await ask(b, "Ke mana pejabat Bandung Barat studi banding?");
      const moreAfter = buttonsOf(after).find((data) => data.startsWith("m:"))!;
      expect(moreAfter).toBeDefined();
      a.reset();
      await a.handle(callback(moreAfter, { message }));
      expect(a.sent("sendMessage")[0]?.text).toContain("Kemlu gandeng Pemkot Surabaya");
      expect((await fetch(readyz)).status).toBe(200);
      expect(logLines.some((line) => line.msg.startsWith("Redis reachable again"))).toBe(true);
      // The test's Redis restarts empty (no persistence), so only the question after recovery is counted: the
      // three of the outage were dropped, not replayed.
      await Promise.all(states.map((state) => state.stats.flush()));
      expect((await states[0]!.stats.summary()).answered).toBe(1);
    } finally {
      health.close();
    }
  });
});
