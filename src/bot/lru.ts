import { randomBytes } from "node:crypto";

/** A fresh random key of 8 url-safe characters (48 bits), short enough for callback_data. */
export function randomKey(): string {
  return randomBytes(6).toString("base64url");
}

/**
 * A small LRU map with a time-to-live, for state that buttons refer to (callback_data holds only a short key,
 * Telegram allows 64 bytes). Entries expire lazily on access; there is no timer, so an idle bot does no work.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores a value under a fresh random key (8 url-safe characters) and returns the key. */
  add(value: V): string {
    let key: string;
    do key = randomKey();
    while (this.entries.has(key));
    this.set(key, value);
    return key;
  }

  /** `expiresAt` restores an entry saved earlier with its own expiry; by default it lives `ttlMs` from now. */
  set(key: string, value: V, expiresAt = this.now() + this.ttlMs): void {
    if (expiresAt <= this.now()) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** The value, refreshed as most recently used; undefined when unknown or expired. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** When a live entry expires, without touching its recency; undefined when unknown or expired. */
  expiryOf(key: string): number | undefined {
    const expiresAt = this.entries.get(key)?.expiresAt;
    return expiresAt !== undefined && expiresAt > this.now() ? expiresAt : undefined;
  }

  /** Live entries, least recently used first, with their expiry (for saving them). */
  *live(): IterableIterator<[key: string, value: V, expiresAt: number]> {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt > now) yield [key, entry.value, entry.expiresAt];
  }

  get size(): number {
    return this.entries.size;
  }
}
