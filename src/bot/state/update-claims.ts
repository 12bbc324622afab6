import type { RedisConnection } from "./redis-connection.js";

/**
 * De-duplication of updates by update_id: Telegram redelivers a webhook update whose delivery failed or timed
 * out, possibly to another replica, and only the first claim may answer it.
 */
export interface UpdateClaims {
  /** True when this process may handle the update; false when it was claimed before. */
  claim(updateId: number): Promise<boolean>;
}

/** Telegram keeps an undelivered update for 24 hours; a claim never needs to outlive that. */
const CLAIM_TTL_SECONDS = 24 * 60 * 60;
/** Recent update ids remembered by one process (a redelivery comes within minutes, not thousands of updates later). */
const LOCAL_CLAIMS = 10_000;
export const CLAIMS_DEGRADED = "redelivered updates may be answered twice";

/** One process: a bounded set of recent update ids. */
export class LocalUpdateClaims implements UpdateClaims {
  private readonly seen = new Set<number>();

  async claim(updateId: number): Promise<boolean> {
    if (this.seen.has(updateId)) return false;
    this.seen.add(updateId);
    if (this.seen.size > LOCAL_CLAIMS) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

/**
 * Replicas: SET NX with a TTL before handling, so exactly one replica wins. While Redis is unreachable each
 * replica falls back to its own memory: an update redelivered to the same replica is still skipped, one
 * redelivered to another replica may be answered twice.
 */
export class RedisUpdateClaims implements UpdateClaims {
  private readonly fallback = new LocalUpdateClaims();

  constructor(private readonly connection: RedisConnection) {}

  async claim(updateId: number): Promise<boolean> {
    try {
      const won = (await this.connection.redis.set(`tanya:update:${updateId}`, "1", "EX", CLAIM_TTL_SECONDS, "NX")) === "OK";
      // Remembered locally too, so an outage right after this claim still recognises a redelivery here.
      if (won) await this.fallback.claim(updateId);
      return won;
    } catch (error) {
      this.connection.health.failed(CLAIMS_DEGRADED, error);
      return this.fallback.claim(updateId);
    }
  }
}
