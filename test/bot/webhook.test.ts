import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/bot.js";
import { BotMetrics } from "../../src/bot/metrics.js";
import { runBot, type RunningBot } from "../../src/bot/run.js";
import { FileGapStore } from "../../src/bot/gaps.js";
import { StatsStore } from "../../src/bot/stats.js";
import { createLogger } from "../../src/config/logger.js";
import { ADMIN, BOT_INFO, fakeEngine, SARI, textMessage, TOKEN } from "./helpers.js";

const SECRET = "s3cret_token-for-tests";
let running: RunningBot | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("webhook mode", () => {
  it("sets the webhook with a secret, accepts updates only with the secret token, serves a health check", async () => {
    const telegram = { token: TOKEN, apiRoot: undefined, adminUserIds: new Set([ADMIN.id]), allowedChatIds: undefined, webhookUrl: "https://bot.example.org/tg/hook", webhookSecret: SECRET, webhookPort: 0, maxUploadBytes: 1024 };
    const logger = createLogger("silent");
    const metrics = new BotMetrics({ processMetrics: false });
    const app = createBot({ engine: fakeEngine(), settings: { telegram }, logger, stats: StatsStore.inMemory(), gaps: FileGapStore.inMemory(), botInfo: BOT_INFO, metrics });
    const calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
    app.bot.api.config.use(async (_prev, method, payload) => {
      calls.push({ method, payload: payload as Record<string, unknown> });
      const result = method === "sendMessage" ? { message_id: 1, date: 0, chat: { id: SARI.id, type: "private", first_name: "S" }, text: "x" } : true;
      return { ok: true, result } as never;
    });
    running = await runBot(app, { settings: { telegram }, logger, graceMs: 5_000, health: { metrics, readiness: [{ name: "index", check: () => true }] } });
    expect(running.mode).toBe("webhook");
    const setWebhook = calls.find((call) => call.method === "setWebhook");
    expect(setWebhook?.payload).toMatchObject({ url: telegram.webhookUrl, secret_token: SECRET, allowed_updates: ["message", "callback_query", "inline_query"] });
    const scopes = calls.filter((call) => call.method === "setMyCommands").map((call) => call.payload.scope);
    expect(scopes).toContainEqual({ type: "chat", chat_id: ADMIN.id });
    expect(scopes).toContainEqual({ type: "default" });

    const base = `http://127.0.0.1:${running.port}`;
    const update = { update_id: 1, ...textMessage("Apa itu SPBE?") } as Update;
    const post = (secret: string | undefined) =>
      fetch(`${base}/tg/hook`, { method: "POST", headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) }, body: JSON.stringify(update) });
    expect((await post(undefined)).status).toBe(401);
    expect((await post("wrong")).status).toBe(401);
    expect(calls.some((call) => call.method === "sendMessage")).toBe(false);
    expect((await post(SECRET)).status).toBe(200);
    await app.idle();
    expect(calls.filter((call) => call.method === "sendMessage")).toHaveLength(1);
    expect((await post(SECRET)).status).toBe(200); // Telegram redelivering the same update
    await app.idle();
    expect(calls.filter((call) => call.method === "sendMessage")).toHaveLength(1);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('tanya_questions_total{outcome="direct"} 1');
    expect((await fetch(`${base}/other`, { method: "POST" })).status).toBe(404);
    await running.stop();
    running = undefined;
  });

  it("refuses to start without a valid WEBHOOK_SECRET", async () => {
    const telegram = { token: TOKEN, apiRoot: undefined, adminUserIds: new Set<number>(), allowedChatIds: undefined, webhookUrl: "https://bot.example.org/hook", webhookSecret: undefined, webhookPort: 0, maxUploadBytes: 1024 };
    const logger = createLogger("silent");
    const app = createBot({ engine: fakeEngine(), settings: { telegram }, logger, stats: StatsStore.inMemory(), gaps: FileGapStore.inMemory(), botInfo: BOT_INFO });
    app.bot.api.config.use(async () => ({ ok: true, result: true }) as never);
    await expect(runBot(app, { settings: { telegram }, logger })).rejects.toThrow(/WEBHOOK_SECRET is required/);
  });
});
