import type { Update } from "@grammyjs/types";
import { TelegramError } from "./errors.js";
import type { ChangeFeed } from "./waiting.js";

/*
 * The bot's update queue and long polling, with Telegram's semantics:
 * updates stay until confirmed by a later `offset`, `timeout` holds the
 * request open until something arrives, `allowed_updates` persists between
 * calls, and a newer getUpdates terminates the one still waiting with 409.
 */

export type UpdateType = Exclude<keyof Update, "update_id">;

export type UpdateStatus =
  /** Waiting to be fetched. */
  | "queued"
  /** Returned by getUpdates at least once, not yet confirmed. */
  | "delivered"
  /** A later getUpdates offset acknowledged it. */
  | "confirmed"
  /** Never reached the bot (not in allowed_updates, or dropped by drop_pending_updates). */
  | "dropped";

export interface UpdateRecord {
  update: Update;
  type: UpdateType;
  status: UpdateStatus;
  queuedAt: number;
  deliveredAt?: number;
  confirmedAt?: number;
  droppedReason?: string;
}

// What Telegram sends when allowed_updates is empty or was never set.
const NOT_DEFAULT: ReadonlySet<string> = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export const CONFLICT_OTHER_GET_UPDATES =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

interface WaitingPoll {
  fail(error: TelegramError): void;
  wake(): void;
}

export interface GetUpdatesArgs {
  offset?: number;
  limit?: number;
  timeout?: number;
  allowedUpdates?: string[];
}

export class UpdateQueue {
  private nextId: number;
  private readonly log: UpdateRecord[] = [];
  private pending: UpdateRecord[] = [];
  private allowed: ReadonlySet<string> | undefined;
  private waiting: WaitingPoll | undefined;

  constructor(
    private readonly feed: ChangeFeed,
    firstUpdateId: number,
  ) {
    this.nextId = firstUpdateId;
  }

  push(partial: Omit<Update, "update_id">): Update {
    const update = { update_id: this.nextId++, ...partial } as Update;
    const type = Object.keys(partial)[0] as UpdateType | undefined;
    if (type === undefined) throw new Error("fake-bot-api: an update needs exactly one payload field");
    const record: UpdateRecord = { update, type, status: "queued", queuedAt: Date.now() };
    this.log.push(record);
    this.pending.push(record);
    this.waiting?.wake();
    this.feed.notify();
    return update;
  }

  records(): readonly UpdateRecord[] {
    return this.log;
  }

  /** Whether a getUpdates request is currently being held open. */
  get isPolling(): boolean {
    return this.waiting !== undefined;
  }

  async getUpdates(args: GetUpdatesArgs, signal: AbortSignal): Promise<Update[]> {
    this.waiting?.fail(new TelegramError(409, CONFLICT_OTHER_GET_UPDATES));
    if (args.allowedUpdates !== undefined) this.setAllowedUpdates(args.allowedUpdates);
    if (args.offset !== undefined && args.offset !== 0) this.confirm(args.offset);
    const limit = Math.min(100, Math.max(1, args.limit ?? 100));
    const timeoutMs = Math.max(0, args.timeout ?? 0) * 1000;

    const ready = this.take(limit);
    if (ready.length > 0 || timeoutMs === 0 || signal.aborted) return ready;

    return new Promise<Update[]>((resolve, reject) => {
      const finish = (result: Update[] | TelegramError): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.waiting === poll) {
          this.waiting = undefined;
          this.feed.notify();
        }
        if (result instanceof TelegramError) reject(result);
        else resolve(result);
      };
      const poll: WaitingPoll = {
        fail: (error) => finish(error),
        wake: () => {
          const updates = this.take(limit);
          if (updates.length > 0) finish(updates);
        },
      };
      // The client went away (e.g. bot.stop() aborting the poll): nothing to
      // answer, and the updates stay queued because they were not taken.
      const onAbort = (): void => finish([]);
      const timer = setTimeout(() => finish([]), timeoutMs);
      signal.addEventListener("abort", onAbort);
      this.waiting = poll;
      this.feed.notify();
    });
  }

  /** getUpdates' and setWebhook's `allowed_updates` (empty = the default set); it persists until changed. */
  setAllowedUpdates(types: string[]): void {
    this.allowed = types.length === 0 ? undefined : new Set(types);
  }

  /** Updates waiting for a webhook delivery, oldest first (ones not in allowed_updates are dropped on the way). */
  forWebhook(): readonly UpdateRecord[] {
    this.dropNotAllowed();
    return this.pending;
  }

  /** A webhook POST of the update started. */
  markDelivered(record: UpdateRecord): void {
    if (record.status === "queued") {
      record.status = "delivered";
      record.deliveredAt = Date.now();
      this.feed.notify();
    }
  }

  /** The webhook answered 2xx: the update is done, as a later getUpdates offset would confirm it. */
  confirmDelivered(record: UpdateRecord): void {
    record.status = "confirmed";
    record.confirmedAt = Date.now();
    this.pending = this.pending.filter((r) => r !== record);
    this.feed.notify();
  }

  /** Ends a held poll with an error, as an outage or a webhook being set would. */
  failWaiting(error: TelegramError): void {
    this.waiting?.fail(error);
  }

  /** deleteWebhook/setWebhook with drop_pending_updates. */
  dropPending(reason: string): void {
    for (const record of this.pending) {
      record.status = "dropped";
      record.droppedReason = reason;
    }
    this.pending = [];
    this.feed.notify();
  }

  private confirm(offset: number): void {
    const now = Date.now();
    let keep: UpdateRecord[];
    if (offset < 0) {
      // Negative offsets keep only the last -offset updates.
      keep = this.pending.slice(offset);
    } else {
      keep = this.pending.filter((r) => r.update.update_id >= offset);
    }
    for (const record of this.pending) {
      if (keep.includes(record)) continue;
      record.status = record.status === "queued" ? "dropped" : "confirmed";
      if (record.status === "dropped") record.droppedReason = "skipped by offset before being fetched";
      record.confirmedAt = now;
    }
    if (keep.length !== this.pending.length) this.feed.notify();
    this.pending = keep;
  }

  /** Telegram never stores updates the bot did not ask for. Returns whether any were dropped. */
  private dropNotAllowed(): boolean {
    const allowed = (type: string): boolean =>
      this.allowed === undefined ? !NOT_DEFAULT.has(type) : this.allowed.has(type);
    const rejected = this.pending.filter((r) => !allowed(r.type));
    if (rejected.length === 0) return false;
    for (const record of rejected) {
      record.status = "dropped";
      record.droppedReason = `"${record.type}" is not in allowed_updates`;
    }
    this.pending = this.pending.filter((r) => allowed(r.type));
    this.feed.notify();
    return true;
  }

  private take(limit: number): Update[] {
    this.dropNotAllowed();
    const batch = this.pending.slice(0, limit);
    const now = Date.now();
    for (const record of batch) {
      if (record.status === "queued") {
        record.status = "delivered";
        record.deliveredAt = now;
      }
    }
    if (batch.length > 0) this.feed.notify();
    return batch.map((r) => r.update);
  }
}
