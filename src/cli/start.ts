import type { Server } from "node:http";
/**
 * `npm start`: the Telegram bot when TELEGRAM_BOT_TOKEN is set; otherwise instructions for getting a token
 * from @BotFather and a question-and-answer chat in the terminal.
 */
import { createBot } from "../bot/bot.js";
import { startHealthServer, type HealthEndpoints } from "../bot/health.js";
import { BotMetrics } from "../bot/metrics.js";
import { runBot, type RunningBot } from "../bot/run.js";
import { openState, type BotState } from "../bot/state/open-state.js";
import { BOTFATHER_HELP, runTerminalChat } from "../bot/terminal.js";
import { DEFAULT_BOT_OPTIONS, type BotOptions } from "../bot/types.js";
import { createLogger, type Logger } from "../config/logger.js";
import { loadSettings, type Settings } from "../config/settings.js";
import { startAutoRefresh, type AutoRefresh } from "../engine/auto-refresh.js";
import { Engine } from "../engine/engine.js";
import { formatReport } from "../index/format-report.js";

function positiveEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number; got "${raw}"`);
  return value;
}

/**
 * Bot tuning read from the environment (not part of Settings yet): RATE_LIMIT_PER_MINUTE questions per user,
 * RATE_LIMIT_PER_CHAT_PER_MINUTE questions per group, TELEGRAM_REQUEST_TIMEOUT_SECONDS and
 * TELEGRAM_POLL_TIMEOUT_SECONDS for the Bot API client, PROGRESS_EDIT_INTERVAL_MS between two edits of a progress
 * message. Unset values keep the defaults in bot/types.ts.
 */
function botOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<BotOptions> {
  const options: Partial<BotOptions> = {};
  const perUser = positiveEnv(env, "RATE_LIMIT_PER_MINUTE");
  if (perUser !== undefined) options.rateLimit = { limit: perUser, windowMs: 60_000 };
  const perChat = positiveEnv(env, "RATE_LIMIT_PER_CHAT_PER_MINUTE");
  if (perChat !== undefined) options.chatRateLimit = { limit: perChat, windowMs: 60_000 };
  const requestTimeout = positiveEnv(env, "TELEGRAM_REQUEST_TIMEOUT_SECONDS");
  if (requestTimeout !== undefined) options.requestTimeoutSeconds = requestTimeout;
  const pollTimeout = positiveEnv(env, "TELEGRAM_POLL_TIMEOUT_SECONDS");
  if (pollTimeout !== undefined) options.pollTimeoutSeconds = pollTimeout;
  const progressInterval = positiveEnv(env, "PROGRESS_EDIT_INTERVAL_MS");
  if (progressInterval !== undefined) options.progressEditIntervalMs = progressInterval;
  return options;
}

function watchIfEnabled(engine: Engine, settings: Settings, logger: Logger): AutoRefresh | undefined {
  return settings.watchKnowledge ? startAutoRefresh(engine, settings.knowledgeDir, logger) : undefined;
}

async function terminalMode(settings: Settings): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // With piped input, stdout carries only answers; the instructions go to stderr.
  const info = interactive ? process.stdout : process.stderr;
  info.write(`${BOTFATHER_HELP}\nMeanwhile, ask questions here${interactive ? ' (type "exit" or press Ctrl+D to quit)' : ", one per line"}. Loading the knowledge base…\n\n`);
  const logger = createLogger(process.env.LOG_LEVEL ?? "warn");
  const engine = await Engine.open({ settings, logger });
  const autoRefresh = watchIfEnabled(engine, settings, logger);
  try {
    await runTerminalChat(engine, process.stdin, process.stdout, interactive);
  } finally {
    await autoRefresh?.close();
    await engine.close();
  }
}

async function botMode(settings: Settings, token: string): Promise<void> {
  const logger: Logger = createLogger(settings.logLevel, token);
  // What is running so far; a stop signal during start-up closes just that, so it too ends cleanly (exit 0).
  const parts: { state?: BotState; engine?: Engine; running?: RunningBot; autoRefresh?: AutoRefresh; healthServer?: Server } = {};
  let shuttingDown = false;
  let firstSignalAt = 0;
  const shutdown = async (signal: string, code: number): Promise<void> => {
    if (shuttingDown) {
      // npm and tsx forward the terminal's Ctrl+C, so one keypress can arrive more than once within a few
      // milliseconds; only a deliberate second signal skips waiting for in-flight answers.
      if (Date.now() - firstSignalAt < 2_000) return;
      logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    shuttingDown = true;
    firstSignalAt = Date.now();
    logger.info({ signal }, "shutting down: finishing in-flight answers");
    try {
      await parts.running?.stop();
      await parts.autoRefresh?.close();
      parts.healthServer?.close();
      await parts.state?.close();
      await parts.engine?.close();
    } catch (error) {
      logger.error({ reason: (error as Error).message }, "error during shutdown");
      code = 1;
    }
    logger.info({ code }, "stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));

  // First, so an unreachable REDIS_URL stops the start before the model is loaded.
  const state = (parts.state = await openState({ dataDir: settings.dataDir, redisUrl: settings.redisUrl, buttons: DEFAULT_BOT_OPTIONS.answerCache }, logger));
  const engine = (parts.engine = await Engine.open({ settings, logger }));
  const metrics = new BotMetrics();
  engine.onRefreshed = (result) => metrics.refreshed(result);
  metrics.observeIndex(() => ({ articles: engine.current.articles.size, passages: engine.current.passagesByLabel.size, generation: engine.current.generation }));
  const redis = state.redis;
  if (redis) metrics.observeUp("tanya_redis_up", "1 while Redis (REDIS_URL) answers, 0 during an outage", () => redis.ping());
  const health: HealthEndpoints = {
    metrics,
    readiness: [{ name: "index", check: () => engine.current !== undefined }, ...(redis ? [{ name: "redis", check: () => redis.ping() }] : [])],
  };
  // Long polling has no HTTP server of its own; started before polling so a port in use stops the start cleanly.
  parts.healthServer = !settings.telegram.webhookUrl && settings.metricsPort !== undefined ? await startHealthServer(health, settings.metricsPort, logger) : undefined;
  const app = createBot({ engine, settings, logger, stats: state.stats, gaps: state.gaps, state, metrics, options: botOptionsFromEnv(process.env) });
  const running = (parts.running = await runBot(app, { settings, logger, health }));

  // Pick up articles added, changed or removed in the folder while the bot was not running.
  engine
    .refresh()
    .then((report) => logger.info({ report: formatReport(report) }, "startup refresh finished"))
    .catch((error: unknown) => logger.warn({ reason: (error as Error).message }, "startup refresh failed; serving the existing index"));
  parts.autoRefresh = watchIfEnabled(engine, settings, logger);

  try {
    await running.stopped;
  } catch {
    // Unrecoverable polling error (401 bad token, 409 another instance polling): logged by run.ts.
    if (!shuttingDown) await shutdown("fatal", 1);
  }
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const token = settings.telegram.token;
  if (token) await botMode(settings, token);
  else await terminalMode(settings);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
