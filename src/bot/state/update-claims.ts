import type { RedisConnection } from "./redis-connection.js";

/**
 * What a replica may do with an update: handle it, skip it (handled already), or leave it for later because
 * another replica is handling it right now (or died doing so: its lease runs out, then the update is handled
 * again on Telegram's next redelivery).
 */
export type UpdateClaim = "handle" | "handled" | "in-progress";

/**
 * De-duplication of updates by update_id: Telegram redelivers a webhook update whose delivery failed or timed
 * out, possibly to another replica, and it must be answered once.
 */
export interface UpdateClaims {
  claim(updateId: number): Promise<UpdateClaim>;
  /** The claimed update was handled (successfully or not): redeliveries are skipped from now on. */
  finish(updateId: number): Promise<void>;
}

/** Thrown for an update another replica is handling, so the webhook answers 503 and Telegram delivers it again later. */
export class UpdateInProgressError extends Error {
  constructor(readonly updateId: number) {
    super(`update ${updateId} is being handled by another replica`);
    this.name = "UpdateInProgressError";
  }
}

/** Telegram keeps an undelivered update for 24 hours; a "handled" mark never needs to outlive that. */
const HANDLED_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a claim holds unless renewed. The replica handling the update renews it every third of that, so an
 * update may take as long as it needs, while one held by a replica that was killed mid-update is free for a
 * survivor within this many seconds (plus the sender's retry back-off). A third leaves room for a busy event loop.
 */
export const CLAIM_LEASE_SECONDS = 15;
/** Recent update ids remembered by one process (a redelivery comes within minutes, not thousands of updates later). */
const LOCAL_CLAIMS = 10_000;
export const CLAIMS_DEGRADED = "redelivered updates may be answered twice";

/** One process: a bounded set of recent update ids. */
export class LocalUpdateClaims implements UpdateClaims {
  private readonly seen = new Set<number>();

  async claim(updateId: number): Promise<UpdateClaim> {
    if (this.seen.has(updateId)) return "handled";
    this.seen.add(updateId);
    if (this.seen.size > LOCAL_CLAIMS) this.seen.delete(this.seen.values().next().value!);
    return "handle";
  }

  async finish(): Promise<void> {}
}

/**
 * Replicas: SET NX with a short lease before handling, so exactly one replica wins, and a long-lived "handled"
 * mark after. While Redis is unreachable each replica falls back to its own memory: an update redelivered to
 * the same replica is still skipped, one redelivered to another replica may be answered twice.
 */
export class RedisUpdateClaims implements UpdateClaims {
  private readonly fallback = new LocalUpdateClaims();
  /** Lease renewals of the updates this replica is handling. */
  private readonly renewals = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly leaseSeconds = CLAIM_LEASE_SECONDS,
  ) {}

  async claim(updateId: number): Promise<UpdateClaim> {
    const key = keyOf(updateId);
    try {
      const won = (await this.connection.redis.set(key, "handling", "EX", this.leaseSeconds, "NX")) === "OK";
      // Remembered locally too, so an outage right after this claim still recognises a redelivery here.
      if (won) {
        const local = await this.fallback.claim(updateId);
        // Handled here before, while Redis was away (it came back empty): recorded as handled, not held.
        if (local === "handled") await this.finish(updateId);
        else this.keepRenewing(updateId);
        return local;
      }
      return (await this.connection.redis.get(key)) === "handled" ? "handled" : "in-progress";
    } catch (error) {
      this.connection.health.failed(CLAIMS_DEGRADED, error);
      return this.fallback.claim(updateId);
    }
  }

  async finish(updateId: number): Promise<void> {
    clearInterval(this.renewals.get(updateId));
    this.renewals.delete(updateId);
    try {
      await this.connection.redis.set(keyOf(updateId), "handled", "EX", HANDLED_TTL_SECONDS);
    } catch (error) {
      this.connection.health.failed(CLAIMS_DEGRADED, error);
    }
  }

  private keepRenewing(updateId: number): void {
    const renew = (): void => {
      this.connection.redis.eval(RENEW_IF_HANDLING, 1, keyOf(updateId), this.leaseSeconds).catch((error: unknown) => this.connection.health.failed(CLAIMS_DEGRADED, error));
    };
    this.renewals.set(updateId, setInterval(renew, (this.leaseSeconds * 1000) / 3).unref());
  }
}

/** Extends a lease only while it still says "handling", so a late renewal never shortens a "handled" mark. */
const RENEW_IF_HANDLING = `if redis.call("GET", KEYS[1]) == "handling" then return redis.call("EXPIRE", KEYS[1], ARGV[1]) end return 0`;
const keyOf = (updateId: number): string => `tanya:update:${updateId}`;
