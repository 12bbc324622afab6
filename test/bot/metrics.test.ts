import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/bot.js";
import { startHealthServer } from "../../src/bot/health.js";
import { BotMetrics } from "../../src/bot/metrics.js";
import { runBot, type RunningBot } from "../../src/bot/run.js";
import { FileGapStore } from "../../src/bot/gaps.js";
import { StatsStore } from "../../src/bot/stats.js";
import { createLogger } from "../../src/config/logger.js";
import { startFakeBotApi, type FakeBotApi } from "../fake-bot-api/index.js";
import { fakeEngine } from "./helpers.js";

/*
 * /metrics, /healthz and /readyz over real HTTP (METRICS_PORT in long-polling mode), with the bot polling the
 * fake Bot API: the figures follow what users did, and nothing in them identifies a user, a question or the bot.
 */

const TOKEN = "987654321:AAMetricsTestTokenThatMustNeverLeak_x";
const QUESTION = "Ke mana pejabat Bandung Barat studi banding?";
let api: FakeBotApi;
let running: RunningBot;
let base: string;
let closeHealth: () => void;
let ready = true;

beforeAll(async () => {
  api = await startFakeBotApi({ token: TOKEN, botUsername: "TanyaEgovBot" });
  const telegram = { token: TOKEN, apiRoot: api.apiRoot, adminUserIds: new Set<number>(), allowedChatIds: undefined, webhookUrl: undefined, webhookSecret: undefined, webhookPort: 0, maxUploadBytes: 1024 };
  const logger = createLogger("silent");
  const metrics = new BotMetrics();
  metrics.observeIndex(() => ({ articles: 3, passages: 9, generation: "gen-test-1" }));
  metrics.refreshed({ ok: true, seconds: 0.4 });
  metrics.refreshed({ ok: false, seconds: 0.1 });
  const app = createBot({ engine: fakeEngine(), settings: { telegram }, logger, stats: StatsStore.inMemory(), gaps: FileGapStore.inMemory(), metrics, options: { rateLimit: { limit: 2, windowMs: 60_000 }, pollTimeoutSeconds: 1 } });
  running = await runBot(app, { settings: { telegram }, logger, graceMs: 5_000 });
  const server = await startHealthServer({ metrics, readiness: [{ name: "index", check: () => ready }] }, 0, logger);
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  closeHealth = () => server.close();
});

afterAll(async () => {
  await running?.stop();
  closeHealth?.();
  await api?.stop();
});

describe("metrics and health over HTTP", () => {
  it("counts questions by outcome, answer times, Bot API errors and rate-limit hits, without questions, users or the token", async () => {
    const sari = api.privateChat({ id: 7300911427, first_name: "Sari", language_code: "id" });
    api.faults.inject({ method: "sendMessage", kind: "429", retryAfter: 1 });
    await api.sendUserMessage({ chat: sari, text: QUESTION });
    await api.waitForBotMessage({ chat: sari });
    await api.sendUserMessage({ chat: sari, text: "nothing about this here" });
    await api.waitForBotMessage({ chat: sari });
    await api.sendUserMessage({ chat: sari, text: "one question too many" });
    await api.waitForBotMessage({ chat: sari, predicate: (message) => message.text.includes("too many") || message.text.includes("Pelan-pelan") });

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain('tanya_questions_total{outcome="direct"} 1');
    expect(text).toContain('tanya_questions_total{outcome="declined"} 1');
    expect(text).toContain('tanya_questions_total{outcome="related"} 0');
    expect(text).toContain("tanya_answer_seconds_count 2");
    expect(text).toContain('tanya_bot_api_errors_total{method="sendMessage",code="429"} 1');
    expect(text).toContain('tanya_rate_limited_total{scope="user"} 1');
    expect(text).toContain('tanya_refreshes_total{result="ok"} 1');
    expect(text).toContain('tanya_refreshes_total{result="failed"} 1');
    expect(text).toContain("tanya_refresh_seconds_count 2");
    expect(text).toContain("tanya_index_articles 3");
    expect(text).toContain("tanya_index_passages 9");
    expect(text).toContain('tanya_index_generation_info{generation="gen-test-1"} 1');
    expect(text).toContain("process_resident_memory_bytes");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    for (const secret of [TOKEN, TOKEN.split(":")[1]!, "Bandung", "nothing about", "too many", "7300911427", "Sari"]) expect(text).not.toContain(secret);
  });

  it("/healthz says alive, /readyz follows its checks, anything else is 404", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).text()).toBe("index: ok\n");
    ready = false;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe("index: not ready\n");
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});
