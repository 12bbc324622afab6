import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../config/logger.js";
import { replaceFileAtomically } from "../util/durable-fs.js";

export const STATS_FILE = "bot-stats.json";
const STATS_VERSION = 1;
/** Distinct questions remembered for "most asked"; the least asked are forgotten first. */
export const MAX_DISTINCT_QUESTIONS = 500;

interface AskedQuestion {
  text: string;
  count: number;
  lastAt: string;
}

export interface StatsData {
  version: number;
  since: string;
  answered: number;
  notFound: number;
  feedback: { up: number; down: number };
  /** Keyed by the normalised question. */
  asked: Record<string, AskedQuestion>;
}

export interface StatsSummary {
  since: string;
  answered: number;
  notFound: number;
  up: number;
  down: number;
  top: Array<{ text: string; count: number }>;
}

export type Vote = "up" | "down";

/**
 * Question and feedback statistics for /stats. Implementations: `StatsStore` (a file in DATA_DIR) and
 * `RedisStats` (shared by replicas). Recording never throws and never delays an answer.
 */
export interface QuestionStats {
  recordQuestion(question: string, found: boolean, at?: Date): void;
  recordFeedback(vote: Vote, previous?: Vote): void;
  summary(topN?: number): Promise<StatsSummary>;
  /** Writes pending changes now (called on shutdown). */
  flush(): Promise<void>;
}

/** Longest question text kept for "most asked". */
export const MAX_QUESTION_CHARS_KEPT = 300;

/** The key a question is counted under and the text shown for it in /stats (undefined: nothing to count). */
export function questionKey(question: string): { key: string; text: string } | undefined {
  const key = normaliseQuestion(question).slice(0, MAX_QUESTION_CHARS_KEPT);
  return key === "" ? undefined : { key, text: question.replace(/\s+/g, " ").trim().slice(0, MAX_QUESTION_CHARS_KEPT) };
}

function emptyStats(now: Date): StatsData {
  return { version: STATS_VERSION, since: now.toISOString(), answered: 0, notFound: 0, feedback: { up: 0, down: 0 }, asked: {} };
}

/** "  Apa itu SPBE??" and "apa itu spbe" count as the same question. */
export function normaliseQuestion(question: string): string {
  return question.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").replace(/[\s?!.。,;:]+$/u, "").trim();
}

const count = (value: unknown): number => (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0);

/** Accepts only the expected shape; anything else in the file is ignored field by field. */
function sanitise(raw: unknown, now: Date): StatsData {
  const stats = emptyStats(now);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("not a JSON object");
  const data = raw as Record<string, unknown>;
  if (typeof data.since === "string" && !Number.isNaN(Date.parse(data.since))) stats.since = data.since;
  stats.answered = count(data.answered);
  stats.notFound = count(data.notFound);
  const feedback = (data.feedback ?? {}) as Record<string, unknown>;
  stats.feedback = { up: count(feedback.up), down: count(feedback.down) };
  const asked = data.asked;
  if (asked && typeof asked === "object" && !Array.isArray(asked)) {
    for (const [key, value] of Object.entries(asked as Record<string, unknown>)) {
      const entry = value as Partial<AskedQuestion> | null;
      if (entry && typeof entry.text === "string" && count(entry.count) > 0) {
        stats.asked[key] = { text: entry.text, count: count(entry.count), lastAt: typeof entry.lastAt === "string" ? entry.lastAt : stats.since };
      }
    }
  }
  return stats;
}

/**
 * Question and feedback counters for /stats, persisted as a small JSON file in the data folder.
 * Writes are coalesced (one write per `flushDelayMs`) and atomic (temp file + fsync + rename), so a crash leaves
 * either the previous or the new file. A corrupt file is moved aside and counting starts again: statistics are
 * never worth a bot that does not start.
 */
export class StatsStore implements QuestionStats {
  private data: StatsData;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    private readonly file: string | undefined,
    data: StatsData,
    private readonly logger: Logger | undefined,
    private readonly flushDelayMs: number,
  ) {
    this.data = data;
  }

  /** Stats kept in memory only (tests, terminal mode). */
  static inMemory(): StatsStore {
    return new StatsStore(undefined, emptyStats(new Date()), undefined, 0);
  }

  static async open(dataDir: string, logger?: Logger, options: { flushDelayMs?: number } = {}): Promise<StatsStore> {
    const file = path.join(dataDir, STATS_FILE);
    const now = new Date();
    let data = emptyStats(now);
    try {
      const text = await fs.readFile(file, "utf8");
      try {
        data = sanitise(JSON.parse(text), now);
      } catch (error) {
        const aside = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
        await fs.rename(file, aside).catch(() => undefined);
        logger?.warn({ file, movedTo: aside, reason: (error as Error).message }, "stats file unreadable; starting new statistics");
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") logger?.warn({ file, reason: (error as Error).message }, "stats file unreadable; starting new statistics");
    }
    await fs.mkdir(dataDir, { recursive: true });
    return new StatsStore(file, data, logger, options.flushDelayMs ?? 1000);
  }

  recordQuestion(question: string, found: boolean, at: Date = new Date()): void {
    if (found) this.data.answered++;
    else this.data.notFound++;
    const asked = questionKey(question);
    if (asked) {
      const entry = this.data.asked[asked.key];
      if (entry) {
        entry.count++;
        entry.lastAt = at.toISOString();
      } else {
        this.data.asked[asked.key] = { text: asked.text, count: 1, lastAt: at.toISOString() };
        this.prune();
      }
    }
    this.changed();
  }

  recordFeedback(vote: Vote, previous?: Vote): void {
    if (previous === vote) return;
    if (previous) this.data.feedback[previous] = Math.max(0, this.data.feedback[previous] - 1);
    this.data.feedback[vote]++;
    this.changed();
  }

  async summary(topN = 10): Promise<StatsSummary> {
    const top = Object.values(this.data.asked)
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
      .slice(0, topN)
      .map(({ text, count }) => ({ text, count }));
    return { since: this.data.since, answered: this.data.answered, notFound: this.data.notFound, up: this.data.feedback.up, down: this.data.feedback.down, top };
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) this.writeNow();
    await this.writing;
  }

  private prune(): void {
    const keys = Object.keys(this.data.asked);
    if (keys.length <= MAX_DISTINCT_QUESTIONS) return;
    const sorted = keys.sort((a, b) => this.data.asked[a]!.count - this.data.asked[b]!.count || this.data.asked[a]!.lastAt.localeCompare(this.data.asked[b]!.lastAt));
    for (const key of sorted.slice(0, keys.length - MAX_DISTINCT_QUESTIONS)) delete this.data.asked[key];
  }

  private changed(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, this.flushDelayMs);
    // A pending write must not keep a finished process alive; shutdown calls flush().
    this.timer.unref();
  }

  private writeNow(): void {
    const file = this.file;
    if (!file) return;
    this.dirty = false;
    const text = `${JSON.stringify(this.data, null, 1)}\n`;
    this.writing = this.writing
      .then(() => replaceFileAtomically(file, text))
      .catch((error: unknown) => {
        this.dirty = true;
        this.logger?.warn({ file, reason: (error as Error).message }, "could not save statistics");
      });
  }
}
