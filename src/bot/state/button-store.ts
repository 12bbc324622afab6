import fs from "node:fs/promises";
import path from "node:path";
import type { Answer } from "../../answer/answer.js";
import type { Logger } from "../../config/logger.js";
import { replaceFileAtomically } from "../../util/durable-fs.js";
import { LruCache } from "../lru.js";
import type { Vote } from "../stats.js";

/** What the buttons under an answer need, kept under a short key that callback_data carries. */
export interface AnswerState {
  answer: Answer;
  /** Indexes into answer.results not yet shown, in rank order. */
  remaining: number[];
  /** Citation number per article id (grows as "More sources" shows new articles). */
  numbers: Map<string, number>;
  /** One vote per user; a new vote replaces the old. */
  votes: Map<number, Vote>;
}

/** AnswerState as JSON (Maps as entry lists), the same in the file and in Redis. */
export interface StoredAnswerState {
  answer: Answer;
  remaining: number[];
  numbers: Array<[string, number]>;
  votes: Array<[number, Vote]>;
}

export function toStored(state: AnswerState): StoredAnswerState {
  return { answer: state.answer, remaining: state.remaining, numbers: [...state.numbers], votes: [...state.votes] };
}

export function fromStored(stored: StoredAnswerState): AnswerState {
  return { answer: stored.answer, remaining: stored.remaining, numbers: new Map(stored.numbers), votes: new Map(stored.votes) };
}

/**
 * Button state by key. Implementations: `LocalButtonStore` (this process; optionally saved in DATA_DIR so it
 * survives a restart) and `RedisButtonStore` (shared by replicas). None of them throws: state that cannot be
 * saved means an answer without buttons, state that cannot be read means "ask again".
 */
export interface ButtonStore {
  /** Saves a new answer's state; the key, or undefined when it could not be saved. */
  add(state: AnswerState): Promise<string | undefined>;
  get(key: string): Promise<AnswerState | undefined>;
  /** Saves a changed state (a page of "More sources" shown, a vote). */
  update(key: string, state: AnswerState): Promise<void>;
  /** Writes what is pending (shutdown). */
  close(): Promise<void>;
}

export const BUTTON_STATE_FILE = "button-state.jsonl";

interface JournalLine {
  key: string;
  expiresAt: number;
  state: StoredAnswerState;
}

/**
 * Button state of one process: an LRU (bounded, 24 h) in memory and, with a file, a journal in DATA_DIR —
 * one JSON line appended per new or changed state, replayed at start (the last line of a key wins, expired
 * ones are skipped, a damaged line is ignored), and rewritten atomically with only the live entries when it
 * has grown to twice the cache size. Hand-written because a JSON-lines journal is all this needs; appending
 * keeps a busy bot from rewriting megabytes per answer.
 */
export class LocalButtonStore implements ButtonStore {
  private readonly cache: LruCache<AnswerState>;
  private writing: Promise<void> = Promise.resolve();
  private journalLines = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly maxEntries: number,
    ttlMs: number,
    private readonly logger: Logger | undefined,
    now: () => number,
  ) {
    this.cache = new LruCache(maxEntries, ttlMs, now);
  }

  static inMemory(options: { size: number; ttlMs: number }, now: () => number = Date.now): LocalButtonStore {
    return new LocalButtonStore(undefined, options.size, options.ttlMs, undefined, now);
  }

  static async open(dataDir: string, options: { size: number; ttlMs: number }, logger?: Logger, now: () => number = Date.now): Promise<LocalButtonStore> {
    const file = path.join(dataDir, BUTTON_STATE_FILE);
    const store = new LocalButtonStore(file, options.size, options.ttlMs, logger, now);
    let text = "";
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") logger?.warn({ file, reason: (error as Error).message }, "button state unreadable; old buttons will answer \"ask again\"");
    }
    let damaged = 0;
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        const entry = JSON.parse(line) as JournalLine;
        if (typeof entry.key !== "string" || typeof entry.expiresAt !== "number" || !entry.state?.answer) throw new Error("unexpected shape");
        store.cache.set(entry.key, fromStored(entry.state), entry.expiresAt);
      } catch {
        damaged++;
      }
    }
    if (damaged > 0) logger?.warn({ file, damaged }, "skipped damaged lines of the button state");
    await fs.mkdir(dataDir, { recursive: true });
    store.compact();
    await store.writing;
    return store;
  }

  async add(state: AnswerState): Promise<string> {
    const key = this.cache.add(state);
    this.save(key, state);
    return key;
  }

  async get(key: string): Promise<AnswerState | undefined> {
    return this.cache.get(key);
  }

  async update(key: string, state: AnswerState): Promise<void> {
    this.cache.set(key, state);
    this.save(key, state);
  }

  async close(): Promise<void> {
    await this.writing;
  }

  private save(key: string, state: AnswerState): void {
    const file = this.file;
    const expiresAt = this.cache.expiryOf(key);
    if (!file || expiresAt === undefined) return;
    const line = `${JSON.stringify({ key, expiresAt, state: toStored(state) } satisfies JournalLine)}\n`;
    this.journalLines++;
    this.enqueue(() => fs.appendFile(file, line));
    if (this.journalLines > 2 * this.maxEntries) this.compact();
  }

  private compact(): void {
    const file = this.file;
    if (!file) return;
    const lines = [...this.cache.live()].map(([key, state, expiresAt]) => JSON.stringify({ key, expiresAt, state: toStored(state) } satisfies JournalLine));
    this.journalLines = lines.length;
    this.enqueue(() => replaceFileAtomically(file, lines.length ? `${lines.join("\n")}\n` : ""));
  }

  /** Writes run one after another; a failed write is logged and costs only restart survival. */
  private enqueue(write: () => Promise<void>): void {
    this.writing = this.writing.then(write).catch((error: unknown) => this.logger?.warn({ file: this.file, reason: (error as Error).message }, "could not save button state"));
  }
}
