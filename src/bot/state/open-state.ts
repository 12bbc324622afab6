import type { Logger } from "../../config/logger.js";
import { FileGapStore, type GapStore } from "../gaps.js";
import { StatsStore, type QuestionStats } from "../stats.js";
import { LocalButtonStore, type ButtonStore } from "./button-store.js";
import { LocalDocumentFileIds, type DocumentFileIds } from "./document-file-ids.js";
import { RedisRateLimitCounters, type RateLimitStorage } from "./rate-limit-counters.js";
import { RedisButtonStore } from "./redis-button-store.js";
import { RedisGapStore } from "./redis-gaps.js";
import { connectRedis, type RedisConnection } from "./redis-connection.js";
import { RedisDocumentFileIds } from "./redis-document-file-ids.js";
import { RedisStats } from "./redis-stats.js";
import { LocalUpdateClaims, RedisUpdateClaims, type UpdateClaims } from "./update-claims.js";

/** The state the bot's handlers share, one store per kind. */
export interface BotState {
  buttons: ButtonStore;
  updates: UpdateClaims;
  stats: QuestionStats;
  /** Declined and related-only questions, for /gaps. */
  gaps: GapStore;
  /** Telegram file ids of source documents, so each is uploaded once. */
  documents: DocumentFileIds;
  /** The storage of a rate limiter with this window: "MEMORY_STORE" (the limiter's own) or shared counters. */
  rateLimitStorage(windowMs: number): RateLimitStorage | "MEMORY_STORE";
  /** Set when the state is in Redis (for /readyz and the metrics). */
  redis?: RedisConnection;
  /** Writes what is pending and closes connections (shutdown). */
  close(): Promise<void>;
}

export interface StateOptions {
  dataDir: string;
  redisUrl: string | undefined;
  buttons: { size: number; ttlMs: number };
}

/** This process only, nothing on disk (handler tests, tools). */
export function memoryState(buttons: StateOptions["buttons"], stats: QuestionStats = StatsStore.inMemory(), gaps: GapStore = FileGapStore.inMemory()): BotState {
  return { buttons: LocalButtonStore.inMemory(buttons), updates: new LocalUpdateClaims(), stats, gaps, documents: LocalDocumentFileIds.inMemory(), rateLimitStorage: () => "MEMORY_STORE", close: () => stats.flush() };
}

/**
 * The one place that chooses where state lives: with REDIS_URL everything replicas must agree on is in Redis
 * (and an unreachable Redis at start is an error); without it, one process keeps its state in DATA_DIR.
 */
export async function openState(options: StateOptions, logger: Logger): Promise<BotState> {
  if (!options.redisUrl) {
    const stats = await StatsStore.open(options.dataDir, logger);
    const gaps = await FileGapStore.open(options.dataDir, logger);
    const buttons = await LocalButtonStore.open(options.dataDir, options.buttons, logger);
    const documents = await LocalDocumentFileIds.open(options.dataDir, logger);
    return {
      buttons,
      updates: new LocalUpdateClaims(),
      stats,
      gaps,
      documents,
      rateLimitStorage: () => "MEMORY_STORE",
      close: async () => {
        await Promise.all([stats.flush(), gaps.flush(), buttons.close(), documents.close()]);
      },
    };
  }
  const redis = await connectRedis(options.redisUrl, logger);
  const stats = new RedisStats(redis);
  const gaps = new RedisGapStore(redis);
  return {
    buttons: new RedisButtonStore(redis, options.buttons.ttlMs),
    updates: new RedisUpdateClaims(redis),
    stats,
    gaps,
    documents: new RedisDocumentFileIds(redis),
    rateLimitStorage: (windowMs) => new RedisRateLimitCounters(redis, windowMs),
    redis,
    close: async () => {
      await Promise.all([stats.flush(), gaps.flush()]);
      await redis.close();
    },
  };
}
