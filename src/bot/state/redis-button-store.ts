import { RedisAdapter } from "@grammyjs/storage-redis";
import { randomKey } from "../lru.js";
import { fromStored, toStored, type AnswerState, type ButtonStore, type StoredAnswerState } from "./button-store.js";
import type { RedisConnection } from "./redis-connection.js";

const PREFIX = "tanya:buttons:";
export const BUTTONS_DEGRADED = 'buttons answer "ask again" and new answers come without buttons';

/**
 * Button state shared by replicas: one Redis key per answer with a 24 h expiry (Redis itself bounds and expires
 * it), through grammY's Redis storage adapter. While Redis is unreachable new answers go out without buttons
 * and presses answer "ask again".
 */
export class RedisButtonStore implements ButtonStore {
  private readonly adapter: RedisAdapter<StoredAnswerState>;

  constructor(
    private readonly connection: RedisConnection,
    ttlMs: number,
  ) {
    this.adapter = new RedisAdapter<StoredAnswerState>({ instance: connection.redis, ttl: Math.ceil(ttlMs / 1000) });
  }

  async add(state: AnswerState): Promise<string | undefined> {
    const key = randomKey();
    return (await this.write(key, state)) ? key : undefined;
  }

  async get(key: string): Promise<AnswerState | undefined> {
    try {
      const stored = await this.adapter.read(PREFIX + key);
      return stored ? fromStored(stored) : undefined;
    } catch (error) {
      this.connection.health.failed(BUTTONS_DEGRADED, error);
      return undefined;
    }
  }

  async update(key: string, state: AnswerState): Promise<void> {
    await this.write(key, state);
  }

  async close(): Promise<void> {}

  private async write(key: string, state: AnswerState): Promise<boolean> {
    try {
      await this.adapter.write(PREFIX + key, toStored(state));
      return true;
    } catch (error) {
      this.connection.health.failed(BUTTONS_DEGRADED, error);
      return false;
    }
  }
}
