import type { RedisConnection } from "./redis-connection.js";

/** The counter interface @grammyjs/ratelimiter calls on its storage client (ioredis's own signatures). */
export interface RateLimitStorage {
  incr(key: string): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
}

export const RATE_LIMITS_DEGRADED = "rate limits count per replica";

/** Lua: count a hit and start the window on the first one, in one step (a crash between the two would leave a key without expiry). */
const INCREMENT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

/**
 * Per-user and per-chat rate limits shared by replicas: the rate limiter's Redis storage, with the window
 * started atomically. While Redis is unreachable each replica counts in its own memory (the limit then holds
 * per replica), and Redis takes over again when it returns.
 */
export class RedisRateLimitCounters implements RateLimitStorage {
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async incr(key: string): Promise<number> {
    const redisKey = `tanya:rate:${key}`;
    try {
      return Number(await this.connection.redis.eval(INCREMENT, 1, redisKey, this.windowMs));
    } catch (error) {
      this.connection.health.failed(RATE_LIMITS_DEGRADED, error);
      return this.incrementLocally(redisKey);
    }
  }

  /** The window was started with the first hit (above). */
  async pexpire(): Promise<number> {
    return 1;
  }

  private incrementLocally(key: string): number {
    const now = this.now();
    for (const [stale, counter] of this.local) if (counter.resetAt <= now) this.local.delete(stale);
    const counter = this.local.get(key) ?? { count: 0, resetAt: now + this.windowMs };
    counter.count++;
    this.local.set(key, counter);
    return counter.count;
  }
}
