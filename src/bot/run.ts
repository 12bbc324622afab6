import { createServer, type Server } from "node:http";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { BotError, GrammyError, webhookCallback } from "grammy";
import type { Logger } from "../config/logger.js";
import type { Settings } from "../config/settings.js";
import { listen } from "../util/listen.js";
import { ALLOWED_UPDATES, type TanyaBot } from "./bot.js";
import { setCommands } from "./commands.js";
import { handleHealthRequest, type HealthEndpoints } from "./health.js";
import { describeError } from "./send.js";
import { UpdateInProgressError } from "./state/update-claims.js";

export interface RunningBot {
  mode: "polling" | "webhook";
  /** Stops taking updates, lets in-flight answers finish (up to `graceMs`), then resolves. */
  stop(): Promise<void>;
  /** Settles when the bot stops by itself (fatal polling error such as 401 or 409). */
  stopped: Promise<void>;
  /** Webhook mode: the port the HTTP server listens on. */
  port?: number;
}

export interface RunOptions {
  settings: Pick<Settings, "telegram">;
  logger: Logger;
  /** How long a stop waits for in-flight updates. */
  graceMs?: number;
  /** Served on the webhook port: /healthz, /readyz, /metrics (only /healthz and /readyz without metrics). */
  health?: HealthEndpoints;
}

/** Logged (fatal) when getUpdates answers 409: another process polls with the same token, or a webhook is set. */
export const POLLING_CONFLICT_MESSAGE = "another instance is polling; run replicas in webhook mode";

async function waitIdle(app: TanyaBot, graceMs: number, logger: Logger): Promise<void> {
  if (app.inFlight() === 0) return;
  logger.info({ inFlight: app.inFlight() }, "waiting for in-flight updates");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), graceMs);
  });
  const result = await Promise.race([app.idle().then(() => "idle" as const), timeout]);
  clearTimeout(timer);
  if (result === "timeout") logger.warn({ inFlight: app.inFlight(), graceMs }, "stopping with updates still in flight");
}

/**
 * Starts the bot: webhook mode when WEBHOOK_URL is set (for several replicas behind a load balancer), long
 * polling with @grammyjs/runner otherwise. Command menus are set first; failures there are logged, not fatal.
 */
export async function runBot(app: TanyaBot, options: RunOptions): Promise<RunningBot> {
  const { bot } = app;
  const { logger } = options;
  const graceMs = options.graceMs ?? 30_000;
  await bot.init();
  logger.info({ username: bot.botInfo.username, id: bot.botInfo.id }, "bot identity");
  await setCommands(bot.api, options.settings.telegram.adminUserIds, logger).catch((error: unknown) => logger.warn({ err: describeError(error) }, "could not set the command menu"));
  return options.settings.telegram.webhookUrl ? startWebhook(app, options, graceMs) : startPolling(app, logger, graceMs);
}

async function startPolling(app: TanyaBot, logger: Logger, graceMs: number): Promise<RunningBot> {
  const { bot } = app;
  // A webhook left behind by a webhook-mode deployment would make getUpdates fail with 409.
  await bot.api.deleteWebhook({ drop_pending_updates: false });
  const handle: RunnerHandle = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: app.options.pollTimeoutSeconds }, silent: true, retryInterval: "exponential", maxRetryTime: 60 * 60 * 1000 },
  });
  logger.info({ allowedUpdates: ALLOWED_UPDATES }, "long polling started");
  let conflicted = false;
  // The runner gives up on 401 and 409 at once; 409 means Telegram ended this poll for another one.
  const stopped = (handle.task() ?? Promise.resolve()).then(
    () => undefined,
    (error: unknown) => {
      conflicted = error instanceof GrammyError && error.error_code === 409;
      if (conflicted) logger.fatal({ err: describeError(error) }, POLLING_CONFLICT_MESSAGE);
      else logger.fatal({ err: describeError(error) }, "long polling stopped");
      throw conflicted ? new Error(POLLING_CONFLICT_MESSAGE) : error;
    },
  );
  let stopping: Promise<void> | undefined;
  return {
    mode: "polling",
    stopped,
    stop: () =>
      (stopping ??= (async () => {
        if (handle.isRunning()) await handle.stop();
        await waitIdle(app, graceMs, logger);
        // The runner does not confirm the last batch; without this, a restart would answer it again.
        // Not after a 409: that getUpdates would in turn end the poll of the instance that is serving.
        const last = app.lastUpdateId();
        if (last !== undefined && !conflicted) {
          await bot.api.getUpdates({ offset: last + 1, limit: 1, timeout: 0, allowed_updates: [...ALLOWED_UPDATES] }).catch((error: unknown) => logger.warn({ err: describeError(error) }, "could not confirm the last updates"));
        }
        logger.info("long polling stopped");
      })()),
  };
}

async function startWebhook(app: TanyaBot, options: RunOptions, graceMs: number): Promise<RunningBot> {
  const { bot } = app;
  const { logger } = options;
  const { webhookUrl, webhookSecret, webhookPort } = options.settings.telegram;
  if (!webhookUrl) throw new Error("WEBHOOK_URL is not set");
  if (!webhookSecret || !/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) {
    throw new Error("WEBHOOK_SECRET is required with WEBHOOK_URL: 1–256 characters of A–Z, a–z, 0–9, _ and -");
  }
  const hookPath = new URL(webhookUrl).pathname || "/";
  // grammY checks X-Telegram-Bot-Api-Secret-Token (401 otherwise). Answers can take longer than Telegram
  // waits, so on timeout the request is acknowledged and the update keeps running.
  const handleUpdate = webhookCallback(bot, "http", { secretToken: webhookSecret, onTimeout: "return", timeoutMilliseconds: 8_000 });
  let accepting = true;
  const server: Server = createServer((req, res) => {
    if (handleHealthRequest(options.health ?? { readiness: [] }, req, res, () => accepting)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "POST" || url.pathname !== hookPath) {
      res.writeHead(404).end();
      return;
    }
    if (!accepting) {
      // Telegram retries later, possibly on another replica.
      res.writeHead(503).end();
      return;
    }
    handleUpdate(req, res).catch((error: unknown) => {
      if (error instanceof BotError && error.error instanceof UpdateInProgressError) {
        // Another replica is answering it; Telegram delivers it again later, and then it is skipped or, if that
        // replica died, handled here.
        logger.info({ update: error.error.updateId }, "update in progress on another replica; asked Telegram to redeliver");
        if (!res.headersSent) res.writeHead(503).end();
        return;
      }
      logger.error({ err: describeError(error) }, "webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = await listen(server, webhookPort);
  await bot.api.setWebhook(webhookUrl, { secret_token: webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
  logger.info({ port, path: hookPath }, "webhook server started");
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<void> | undefined;
  return {
    mode: "webhook",
    port,
    stopped,
    stop: () =>
      (stopping ??= (async () => {
        accepting = false;
        // Other replicas keep the webhook; this one only stops accepting and finishes its work.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await waitIdle(app, graceMs, logger);
        server.closeAllConnections();
        await closed;
        logger.info("webhook server stopped");
        resolveStopped();
      })()),
  };
}
