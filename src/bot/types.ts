import type { Context } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../config/logger.js";
import type { Settings } from "../config/settings.js";
import type { Engine } from "../engine/engine.js";
import type { BotMetrics } from "./metrics.js";
import type { BotState } from "./state/open-state.js";
import type { GapStore } from "./gaps.js";
import type { QuestionStats } from "./stats.js";

/**
 * What the bot needs from the answering engine. The real `Engine` satisfies it; handler tests pass a small
 * fake object instead.
 */
export type BotEngine = Pick<Engine, "ask" | "articles" | "article" | "articlePath" | "passageContext" | "refresh" | "addArticle" | "addUrl" | "removeArticle">;

export interface BotOptions {
  /** Questions (private messages, group asks) per user per window before a friendly "slow down". */
  rateLimit: { limit: number; windowMs: number };
  /**
   * Questions per group chat per window, whoever asks (private chats are covered by `rateLimit`): one busy group
   * cannot monopolise the engine, and Telegram itself lets a bot send only about 20 messages a minute to a group.
   */
  chatRateLimit: { limit: number; windowMs: number };
  /** Inline queries arrive on every keystroke, so they get their own, larger budget. */
  inlineRateLimit: { limit: number; windowMs: number };
  /**
   * Longest wait for one Bot API request before it is abandoned and retried (getUpdates: the long-poll time plus
   * this). grammY's own default is 500 s, during which a stalled connection would hold the chat's queue.
   */
  requestTimeoutSeconds: number;
  /** Long-poll duration of getUpdates, seconds. */
  pollTimeoutSeconds: number;
  /** Per-answer state kept for the buttons: how many answers and for how long. */
  answerCache: { size: number; ttlMs: number };
  /** Telegram stops showing "typing…" after ~5 s; the action is repeated this often while an answer is being built. */
  typingIntervalMs: number;
  /** Minimum time between two edits of a progress message (Telegram rate-limits edits). */
  progressEditIntervalMs: number;
  /** Longest question passed to the engine; longer texts are cut (Telegram allows 4096 characters). */
  maxQuestionChars: number;
  /** cache_time of inline answers, seconds. */
  inlineCacheSeconds: number;
}

export const DEFAULT_BOT_OPTIONS: BotOptions = {
  rateLimit: { limit: 20, windowMs: 60_000 },
  chatRateLimit: { limit: 20, windowMs: 60_000 },
  inlineRateLimit: { limit: 60, windowMs: 60_000 },
  requestTimeoutSeconds: 30,
  pollTimeoutSeconds: 30,
  answerCache: { size: 2000, ttlMs: 24 * 60 * 60 * 1000 },
  typingIntervalMs: 4_500,
  progressEditIntervalMs: 1_500,
  maxQuestionChars: 1000,
  inlineCacheSeconds: 10,
};

export interface BotDeps {
  engine: BotEngine;
  settings: Pick<Settings, "telegram">;
  logger: Logger;
  stats: QuestionStats;
  /** Declined and related-only questions, for /gaps. */
  gaps: GapStore;
  /**
   * Button state, update de-duplication, rate-limit counters and source-document file ids; defaults to this
   * process's memory.
   */
  state?: Pick<BotState, "buttons" | "updates" | "rateLimitStorage"> & Partial<Pick<BotState, "documents">>;
  /** Prometheus metrics; none by default. */
  metrics?: BotMetrics;
  options?: Partial<BotOptions>;
  /** Skips getMe (tests); otherwise `bot.init()` fetches it. */
  botInfo?: UserFromGetMe;
  /** Downloads an uploaded file; defaults to getFile + the Bot API file URL. Tests may replace it. */
  download?: (fileId: string, maxBytes: number) => Promise<Buffer>;
}

/** Every update carries a child logger with its update id. */
export interface LogFlavor {
  log: Logger;
}

export type BotContext = Context & LogFlavor;
