import { autoRetry } from "@grammyjs/auto-retry";
import { limit } from "@grammyjs/ratelimiter";
import { sequentialize } from "@grammyjs/runner";
import { Bot, HttpError, type BotError, type MiddlewareFn, type Transformer } from "grammy";
import type { Update } from "grammy/types";
import { isAllowedHere } from "./access.js";
import { Answering } from "./answering.js";
import { adminFeature } from "./features/admin.js";
import { askFeature } from "./features/ask.js";
import { buttonsFeature, unknownButtons } from "./features/buttons.js";
import { fallbackFeature } from "./features/fallback.js";
import { groupFeature } from "./features/group.js";
import { inlineFeature } from "./features/inline.js";
import { sourceDocumentFeature } from "./features/source-document.js";
import { startFeature } from "./features/start.js";
import { plain } from "./format.js";
import { botWords, languageOfUser } from "./i18n.js";
import { describeError, sendMessages } from "./send.js";
import { SourceDocuments } from "./source-documents.js";
import { LocalDocumentFileIds } from "./state/document-file-ids.js";
import { memoryState } from "./state/open-state.js";
import type { RateLimitStorage } from "./state/rate-limit-counters.js";
import { UpdateInProgressError } from "./state/update-claims.js";
import { DEFAULT_BOT_OPTIONS, type BotContext, type BotDeps, type BotOptions } from "./types.js";

/**
 * The updates the bot asks Telegram for. Edited messages are deliberately not among them: the original
 * question was already answered, and answering every edit again would flood group chats. (If one arrives
 * anyway, e.g. through a webhook set by another tool, no handler matches it.)
 */
export const ALLOWED_UPDATES = ["message", "callback_query", "inline_query"] as const satisfies ReadonlyArray<Exclude<keyof Update, "update_id">>;

export interface TanyaBot {
  bot: Bot<BotContext>;
  options: BotOptions;
  /** Updates being handled right now (including those waiting behind another update of the same chat). */
  inFlight(): number;
  /** Resolves once no update is being handled. */
  idle(): Promise<void>;
  /** The highest update_id seen, to confirm it to Telegram on shutdown. */
  lastUpdateId(): number | undefined;
}

/** Longest pause between two getUpdates attempts while the Bot API is failing. */
const POLL_RETRY_MAX_SECONDS = 10;

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const done = (): void => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    };
    const aborted = (): void => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

/** Counts updates in progress so a graceful stop can wait for answers that are still being written. */
class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];
  last: number | undefined;

  begin(updateId: number): void {
    this.count++;
    if (this.last === undefined || updateId > this.last) this.last = updateId;
  }

  end(): void {
    this.count--;
    if (this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  get size(): number {
    return this.count;
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Builds the bot: API client settings (TELEGRAM_API_ROOT, retries on 429/5xx), the middleware that every
 * update passes (in-flight tracking, timing logs, per-chat ordering, ALLOWED_CHAT_IDS), and one Composer per
 * feature behind an error boundary, so one failing update never stops the bot. It does not start anything:
 * see run.ts for long polling and webhooks, and tests drive it with `bot.handleUpdate`.
 */
export function createBot(deps: BotDeps): TanyaBot {
  const options: BotOptions = { ...DEFAULT_BOT_OPTIONS, ...deps.options };
  const { token, apiRoot } = deps.settings.telegram;
  if (!token) throw new Error("createBot needs settings.telegram.token (TELEGRAM_BOT_TOKEN)");
  const bot = new Bot<BotContext>(token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { ...(apiRoot ? { apiRoot } : {}) },
  });

  // Transformers: the last installed runs first, so the timeout applies to each attempt and failures are logged
  // per attempt, inside the retries.
  // A request stalled by the network (no answer, no reset) is abandoned after requestTimeoutSeconds instead of
  // grammY's 500 s, and auto-retry (below) sends it again; getUpdates may legitimately take its long-poll time.
  const withTimeout: Transformer = async (prev, method, payload, signal) => {
    const longPoll = method === "getUpdates" ? Number((payload as { timeout?: number } | undefined)?.timeout ?? 0) : 0;
    // A plain controller rather than AbortSignal.any(): with the latter, on Node 20, the runner's stop() did not
    // abort a held long poll (AbortSignal.any's dependent signals are only weakly held), so a graceful stop
    // waited out the whole poll. Here the caller's signal holds `abort` strongly.
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    const timer = setTimeout(abort, (longPoll + options.requestTimeoutSeconds) * 1000);
    if (signal?.aborted) abort();
    else signal?.addEventListener("abort", abort);
    try {
      // grammY types its signal with the abort-controller shim; at run time both are Node's AbortSignal.
      return await prev(method, payload, controller.signal as unknown as typeof signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    }
  };
  bot.api.config.use(withTimeout);
  const logFailures: Transformer = async (prev, method, payload, signal) => {
    let result: Awaited<ReturnType<typeof prev>>;
    try {
      result = await prev(method, payload, signal);
    } catch (error) {
      if (error instanceof HttpError) deps.metrics?.botApiError(method, "network");
      throw error;
    }
    if (!result.ok) {
      deps.metrics?.botApiError(method, result.error_code);
      const quiet = result.error_code === 400 && /not modified/i.test(result.description);
      deps.logger[quiet ? "debug" : "warn"]({ method, code: result.error_code, description: result.description, retryAfter: result.parameters?.retry_after }, "Bot API call failed");
    }
    return result;
  };
  bot.api.config.use(logFailures);
  // 429 (retry_after honoured up to a minute) and 5xx/network errors are retried a few times, then fail the update.
  const retry = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 });
  // getUpdates is retried here instead, for as long as it takes, with a back-off capped at POLL_RETRY_MAX_SECONDS
  // (or retry_after): auto-retry doubles its delay without limit within one call (3, 6, 12 … s up to an hour),
  // so after a few minutes of outage the bot would sleep for minutes after Telegram was back before polling
  // again. Errors that retrying cannot fix (401 bad token, 409 another instance) still reach the runner.
  const retryPolling: Transformer = async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return retry(prev, method, payload, signal);
    for (let delay = 1; ; delay = Math.min(POLL_RETRY_MAX_SECONDS, delay * 2)) {
      let wait: number;
      try {
        const result = await prev(method, payload, signal);
        if (result.ok || (result.parameters?.retry_after === undefined && result.error_code < 500)) return result;
        wait = result.parameters?.retry_after ?? delay;
        deps.logger.warn({ code: result.error_code, retryInSeconds: wait }, "polling failed; retrying");
      } catch (error) {
        if (signal?.aborted || !(error instanceof HttpError)) throw error;
        wait = delay;
        deps.logger.warn({ err: describeError(error), retryInSeconds: wait }, "polling failed; retrying");
      }
      await abortableSleep(wait * 1000, signal as AbortSignal | undefined);
    }
  };
  bot.api.config.use(retryPolling);

  const state = deps.state ?? memoryState(options.answerCache);
  const inFlight = new InFlight();
  bot.use(async (ctx, next) => {
    inFlight.begin(ctx.update.update_id);
    const started = performance.now();
    ctx.log = deps.logger.child({ update: ctx.update.update_id });
    try {
      // Claimed before anything is sent: a webhook update redelivered (to this or another replica) after its
      // first delivery failed or timed out is answered once.
      const claim = await state.updates.claim(ctx.update.update_id);
      if (claim === "handled") {
        ctx.log.info({ type: updateType(ctx.update) }, "update handled before (redelivery); skipped");
        return;
      }
      if (claim === "in-progress") throw new UpdateInProgressError(ctx.update.update_id);
      try {
        await next();
      } finally {
        await state.updates.finish(ctx.update.update_id);
      }
    } finally {
      inFlight.end();
      ctx.log.info({ type: updateType(ctx.update), chat: ctx.chat?.id, chatType: ctx.chat?.type, user: ctx.from?.id, ms: Math.round(performance.now() - started) }, "update handled");
    }
  });

  // Updates of one chat are handled in order (runner processes others concurrently); inline queries are not
  // ordered: each keystroke is independent.
  bot.use(sequentialize<BotContext>((ctx) => (ctx.inlineQuery ? undefined : String(ctx.chat?.id ?? ctx.from?.id ?? "none"))));

  // Messages from other bots are ignored on purpose: two bots answering each other would loop. (Telegram does not
  // deliver them in groups anyway.) Anonymous group admins and channels write as special bots with a
  // sender_chat; those are people and are served.
  bot.use(async (ctx, next) => {
    if (ctx.from?.is_bot && ctx.from.id !== ctx.me.id && !ctx.msg?.sender_chat) {
      ctx.log.info({ user: ctx.from.id }, "update from another bot ignored");
      return;
    }
    await next();
  });

  bot.use(async (ctx, next) => {
    if (isAllowedHere(deps, ctx)) return next();
    ctx.log.info({ chat: ctx.chat?.id, user: ctx.from?.id }, "update from a chat outside ALLOWED_CHAT_IDS ignored");
    const w = botWords(languageOfUser(ctx.from?.language_code));
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: w.notAllowed, show_alert: true });
    else if (ctx.inlineQuery) await ctx.answerInlineQuery([], { cache_time: 60, is_personal: true });
    else if (ctx.message && ctx.chat?.type === "private") await sendMessages(ctx, [plain(w.notAllowed)]);
  });

  const rateLimited = (ctx: BotContext): void => {
    deps.metrics?.rateLimited(ctx.inlineQuery ? "inline" : "user");
    ctx.log.info({ user: ctx.from?.id }, "rate limited");
    const w = botWords(languageOfUser(ctx.from?.language_code));
    const reply = ctx.inlineQuery
      ? ctx.answerInlineQuery([], { cache_time: 5, is_personal: true, button: { text: w.inlineLimited, start_parameter: "slow" } })
      : sendMessages(ctx, [plain(w.rateLimited)], ctx.chat?.type === "private" || !ctx.msg ? {} : { replyTo: ctx.msg.message_id });
    reply.catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, "could not send the rate-limit notice"));
  };
  const chatRateLimited = (ctx: BotContext): void => {
    deps.metrics?.rateLimited("chat");
    ctx.log.info({ chat: ctx.chat?.id }, "chat rate limited");
    const w = botWords(languageOfUser(ctx.from?.language_code));
    sendMessages(ctx, [plain(w.chatRateLimited)], ctx.msg ? { replyTo: ctx.msg.message_id } : {}).catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, "could not send the rate-limit notice"));
  };
  const keyOf = (ctx: BotContext) => (ctx.from ? String(ctx.from.id) : undefined);
  // Group chats only: in a private chat the chat is the user, already limited above.
  const chatKeyOf = (ctx: BotContext) => (ctx.chat && ctx.chat.type !== "private" ? String(ctx.chat.id) : undefined);
  // Applied only where a question reaches the engine, so group chatter never counts against anyone. The plugin
  // calls onLimitExceeded once per key and window, so a flood gets one notice, not one reply per message.
  // Counted in Redis with REDIS_URL, so a limit holds across replicas.
  const limiter = (budget: { limit: number; windowMs: number }, keyGenerator: (ctx: BotContext) => string | undefined, onLimitExceeded: (ctx: BotContext) => void, keyPrefix: string) =>
    limit<BotContext, RateLimitStorage>({ timeFrame: budget.windowMs, limit: budget.limit, keyGenerator, onLimitExceeded, keyPrefix, storageClient: state.rateLimitStorage(budget.windowMs) }) as MiddlewareFn<BotContext>;
  const userLimiter = limiter(options.rateLimit, keyOf, rateLimited, "RATE_LIMITER");
  const chatLimiter = limiter(options.chatRateLimit, chatKeyOf, chatRateLimited, "CHAT_RATE_LIMITER");
  // Per user first, so a user over their own budget does not use up the group's.
  const questionLimiter: MiddlewareFn<BotContext> = (ctx, next) =>
    userLimiter(ctx, async () => {
      await chatLimiter(ctx, next);
    });
  const inlineLimiter = limiter(options.inlineRateLimit, keyOf, rateLimited, "INLINE_RATE_LIMITER");

  const answering = new Answering(deps, options, state.buttons);
  const documents = new SourceDocuments(state.documents ?? LocalDocumentFileIds.inMemory(), deps.engine, deps.logger);
  const onError = async (error: BotError<BotContext>) => {
    const ctx = error.ctx;
    ctx.log.error({ err: describeError(error.error), stack: error.error instanceof Error ? error.error.stack : undefined, type: updateType(ctx.update) }, "update failed");
    const w = botWords(languageOfUser(ctx.from?.language_code));
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: w.error });
      else if (ctx.message && ctx.chat) await sendMessages(ctx, [plain(w.error)], ctx.chat.type === "private" ? {} : { replyTo: ctx.message.message_id });
    } catch (notice) {
      ctx.log.warn({ err: describeError(notice) }, "could not tell the user about the failure");
    }
  };

  bot.errorBoundary(
    onError,
    startFeature(deps),
    adminFeature(deps, options, documents),
    askFeature(answering, questionLimiter),
    groupFeature(answering, questionLimiter),
    inlineFeature(deps, options, inlineLimiter),
    buttonsFeature(deps, answering),
    sourceDocumentFeature(deps, answering, documents),
    unknownButtons(),
    fallbackFeature(),
  );

  // Outer boundary (the error handler itself failing); the runner and webhooks also report here.
  bot.catch((error) => deps.logger.error({ err: describeError(error.error), update: error.ctx.update.update_id }, "unhandled bot error"));

  return {
    bot,
    options,
    inFlight: () => inFlight.size,
    idle: () => inFlight.idle(),
    lastUpdateId: () => inFlight.last,
  };
}
