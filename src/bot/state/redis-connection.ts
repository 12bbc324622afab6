import { Redis } from "ioredis";
import type { Logger } from "../../config/logger.js";

/** REDIS_URL without its password, for messages and logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(REDIS_URL is not a valid URL)";
  }
}

/** How often the "Redis unreachable" warning may repeat while the outage lasts. */
const WARNING_INTERVAL_MS = 60_000;

/**
 * Watches one Redis connection for the stores that share it. While Redis is unreachable every store degrades
 * on its own (see each store) and reports the failure here; this logs one warning per minute for the whole
 * outage, not one per question, and says when Redis is back.
 */
export class RedisHealth {
  private down = false;
  private lastWarningAt = 0;
  private readonly degraded = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A store could not reach Redis; `degradation` says what users get meanwhile. */
  failed(degradation: string, error: unknown): void {
    this.down = true;
    this.degraded.add(degradation);
    if (this.now() - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.lastWarningAt = this.now();
    this.logger.warn({ reason: (error as Error)?.message ?? String(error), degraded: [...this.degraded] }, "Redis unreachable; answering with degraded shared state");
  }

  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.degraded.clear();
    this.lastWarningAt = 0;
    this.logger.info("Redis reachable again; shared state restored");
  }

  get isDown(): boolean {
    return this.down;
  }
}

export interface RedisConnection {
  redis: Redis;
  health: RedisHealth;
  /** For /readyz: answers PING within a second. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects to REDIS_URL and checks it answers, or throws a message that names the URL (password hidden): a
 * replica configured for shared state must not start without it. Commands fail at once while the connection
 * is down (no offline queue) so a question never waits for Redis; ioredis keeps reconnecting in the background.
 */
export async function connectRedis(url: string, logger: Logger, options: { connectTimeoutMs?: number } = {}): Promise<RedisConnection> {
  const health = new RedisHealth(logger);
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1_000,
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    // Reconnect forever, at most every 2 s: an outage only degrades the bot, it never stops it.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // ioredis reports every failed reconnect as an "error" event; without a listener Node would throw.
  redis.on("error", (error: Error) => health.failed("connection", error));
  redis.on("ready", () => health.recovered());
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${describeRedisUrl(url)} (REDIS_URL): ${(error as Error).message}. Start Redis or unset REDIS_URL for a single process.`);
  }
  logger.info({ redis: describeRedisUrl(url) }, "shared state in Redis");
  return {
    redis,
    health,
    ping: async () => {
      try {
        return (await redis.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
