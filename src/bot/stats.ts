import fs from "node:fs/promises";
import path from "node:path";
import type { AnswerKind } from "../answer/answer.js";
import type { Logger } from "../config/logger.js";
import { CoalescedWriter, readStateFile } from "./json-state-file.js";

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
  /** Of the answered: related passages only, no sentence stating the asked fact. */
  related: number;
  notFound: number;
  feedback: { up: number; down: number };
  /** Keyed by the normalised question. */
  asked: Record<string, AskedQuestion>;
}

export interface StatsSummary {
  since: string;
  answered: number;
  related: number;
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
  recordQuestion(question: string, kind: AnswerKind, at?: Date): void;
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
  return { version: STATS_VERSION, since: now.toISOString(), answered: 0, related: 0, notFound: 0, feedback: { up: 0, down: 0 }, asked: {} };
}

/**
 * "  Apa itu SPBE??", "apa itu spbe" and "Apa itu “SPBE” ?" count as the same question: case, accents,
 * punctuation around words and spacing are folded; punctuation inside a word ("e-KTP") is kept.
 */
export function normaliseQuestion(question: string): string {
  return question
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/(?<![\p{L}\p{N}])[^\p{L}\p{N}\s]+|[^\p{L}\p{N}\s]+(?![\p{L}\p{N}])/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const count = (value: unknown): number => (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0);

/** Accepts only the expected shape; anything else in the file is ignored field by field. */
function sanitise(raw: unknown, now: Date): StatsData {
  const stats = emptyStats(now);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("not a JSON object");
  const data = raw as Record<string, unknown>;
  if (typeof data.since === "string" && !Number.isNaN(Date.parse(data.since))) stats.since = data.since;
  stats.answered = count(data.answered);
  stats.related = Math.min(stats.answered, count(data.related));
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
  private readonly writer: CoalescedWriter;

  private constructor(file: string | undefined, data: StatsData, logger: Logger | undefined, flushDelayMs: number) {
    this.data = data;
    this.writer = new CoalescedWriter(file, () => `${JSON.stringify(this.data, null, 1)}\n`, logger, flushDelayMs, "statistics");
  }

  /** Stats kept in memory only (tests, terminal mode). */
  static inMemory(): StatsStore {
    return new StatsStore(undefined, emptyStats(new Date()), undefined, 0);
  }

  static async open(dataDir: string, logger?: Logger, options: { flushDelayMs?: number } = {}): Promise<StatsStore> {
    const file = path.join(dataDir, STATS_FILE);
    const now = new Date();
    const data = (await readStateFile(file, (raw) => sanitise(raw, now), logger, "stats")) ?? emptyStats(now);
    await fs.mkdir(dataDir, { recursive: true });
    return new StatsStore(file, data, logger, options.flushDelayMs ?? 1000);
  }

  recordQuestion(question: string, kind: AnswerKind, at: Date = new Date()): void {
    if (kind === "none") this.data.notFound++;
    else this.data.answered++;
    if (kind === "related") this.data.related++;
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
    this.writer.changed();
  }

  recordFeedback(vote: Vote, previous?: Vote): void {
    if (previous === vote) return;
    if (previous) this.data.feedback[previous] = Math.max(0, this.data.feedback[previous] - 1);
    this.data.feedback[vote]++;
    this.writer.changed();
  }

  async summary(topN = 10): Promise<StatsSummary> {
    const top = Object.values(this.data.asked)
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
      .slice(0, topN)
      .map(({ text, count }) => ({ text, count }));
    return { since: this.data.since, answered: this.data.answered, related: this.data.related, notFound: this.data.notFound, up: this.data.feedback.up, down: this.data.feedback.down, top };
  }

  /** Writes pending changes now (called on shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private prune(): void {
    const keys = Object.keys(this.data.asked);
    if (keys.length <= MAX_DISTINCT_QUESTIONS) return;
    const sorted = keys.sort((a, b) => this.data.asked[a]!.count - this.data.asked[b]!.count || this.data.asked[a]!.lastAt.localeCompare(this.data.asked[b]!.lastAt));
    for (const key of sorted.slice(0, keys.length - MAX_DISTINCT_QUESTIONS)) delete this.data.asked[key];
  }
}
