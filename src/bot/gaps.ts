import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../config/logger.js";
import type { Language } from "../retrieval/language.js";
import { CoalescedWriter, readStateFile } from "./json-state-file.js";
import { MAX_QUESTION_CHARS_KEPT, questionKey } from "./stats.js";

/**
 * Knowledge gaps for admins (/gaps): questions the knowledge base declined ("none") or answered only with
 * related passages ("related"), so admins know which documents to add.
 */
export type GapKind = "none" | "related";

export interface Gap {
  /** The question as last asked (trimmed), for display. */
  text: string;
  /** Times asked within the window. */
  count: number;
  /** ISO time it was last asked. */
  lastAt: string;
  /** How it was last answered. */
  kind: GapKind;
  lang: Language;
}

/**
 * Where gaps are kept: `FileGapStore` (a file in DATA_DIR) or `RedisGapStore` (shared by replicas). Recording
 * never throws and never delays an answer.
 */
export interface GapStore {
  record(question: string, kind: GapKind, lang: Language, at?: Date): void;
  /** The most-asked gaps of the last `days` days (ties: most recently asked first). */
  list(options: { days: number; limit: number; now?: Date }): Promise<Gap[]>;
  /** Writes pending changes (on shutdown). */
  flush(): Promise<void>;
}

export const GAPS_FILE = "bot-gaps.json";
const GAPS_VERSION = 1;
/** Days of history kept per question: /gaps looks back 30 days. */
export const GAP_RETENTION_DAYS = 30;
/** Distinct questions kept; the least asked (then the longest unasked) are forgotten first. */
export const MAX_GAPS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

interface StoredGap {
  text: string;
  kind: GapKind;
  lang: Language;
  lastAt: string;
  /** Asks per UTC day ("2026-12-01" → 3), at most GAP_RETENTION_DAYS + 1 days. */
  days: Record<string, number>;
}

interface GapsData {
  version: number;
  /** Keyed by the normalised question, so trivial variants ("Apa itu SPBE?", "apa itu spbe") count together. */
  gaps: Record<string, StoredGap>;
}

/** UTC day of a time, "2026-12-01": gaps are counted per day so a 30-day window can slide. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
/** The days a window of `days` days ending at `now` covers, oldest first. */
export function windowDays(now: Date, days: number): string[] {
  const count = Math.max(1, Math.min(days, GAP_RETENTION_DAYS));
  return Array.from({ length: count }, (_, i) => dayOf(new Date(now.getTime() - (count - 1 - i) * DAY_MS)));
}
const firstDayOf = (now: Date, days: number): string => windowDays(now, days)[0]!;
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value > 0;
const totalSince = (gap: StoredGap, firstDay: string): number => Object.entries(gap.days).reduce((sum, [day, count]) => (day >= firstDay ? sum + count : sum), 0);

/** Accepts only the expected shape, entry by entry; anything else in the file is dropped. */
function sanitise(raw: unknown): GapsData {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("not a JSON object");
  const data: GapsData = { version: GAPS_VERSION, gaps: {} };
  const gaps = (raw as { gaps?: unknown }).gaps;
  if (!gaps || typeof gaps !== "object" || Array.isArray(gaps)) return data;
  for (const [key, value] of Object.entries(gaps as Record<string, unknown>).slice(0, MAX_GAPS)) {
    const entry = value as Partial<StoredGap> | null;
    if (!entry || typeof entry.text !== "string" || (entry.kind !== "none" && entry.kind !== "related") || (entry.lang !== "id" && entry.lang !== "en")) continue;
    if (typeof entry.lastAt !== "string" || Number.isNaN(Date.parse(entry.lastAt)) || !entry.days || typeof entry.days !== "object") continue;
    const days = Object.fromEntries(Object.entries(entry.days).filter(([day, count]) => /^\d{4}-\d{2}-\d{2}$/.test(day) && isCount(count)));
    data.gaps[key.slice(0, MAX_QUESTION_CHARS_KEPT)] = { text: entry.text.slice(0, MAX_QUESTION_CHARS_KEPT), kind: entry.kind, lang: entry.lang, lastAt: entry.lastAt, days };
  }
  return data;
}

/**
 * Gaps persisted as a small JSON file in the data folder, like the statistics (stats.ts): bounded (MAX_GAPS
 * questions × GAP_RETENTION_DAYS day counts), writes coalesced (one per `flushDelayMs`) and atomic (temp file,
 * fsync, rename). A corrupt file is moved aside and recording starts again.
 */
export class FileGapStore implements GapStore {
  private readonly writer: CoalescedWriter;

  private constructor(
    file: string | undefined,
    private readonly data: GapsData,
    logger: Logger | undefined,
    flushDelayMs: number,
  ) {
    this.writer = new CoalescedWriter(file, () => `${JSON.stringify(this.data)}\n`, logger, flushDelayMs, "gaps record");
  }

  /** Gaps kept in memory only (tests, terminal mode). */
  static inMemory(): FileGapStore {
    return new FileGapStore(undefined, { version: GAPS_VERSION, gaps: {} }, undefined, 0);
  }

  static async open(dataDir: string, logger?: Logger, options: { flushDelayMs?: number } = {}): Promise<FileGapStore> {
    const file = path.join(dataDir, GAPS_FILE);
    const data = (await readStateFile(file, sanitise, logger, "gaps")) ?? { version: GAPS_VERSION, gaps: {} };
    await fs.mkdir(dataDir, { recursive: true });
    return new FileGapStore(file, data, logger, options.flushDelayMs ?? 1000);
  }

  record(question: string, kind: GapKind, lang: Language, at: Date = new Date()): void {
    const asked = questionKey(question);
    if (!asked) return;
    const { key } = asked;
    const day = dayOf(at);
    const entry = this.data.gaps[key] ?? { text: "", kind, lang, lastAt: at.toISOString(), days: {} };
    entry.text = asked.text;
    entry.kind = kind;
    entry.lang = lang;
    if (at.toISOString() >= entry.lastAt) entry.lastAt = at.toISOString();
    entry.days[day] = (entry.days[day] ?? 0) + 1;
    this.data.gaps[key] = entry;
    this.prune(at);
    this.writer.changed();
  }

  async list(options: { days: number; limit: number; now?: Date }): Promise<Gap[]> {
    const firstDay = firstDayOf(options.now ?? new Date(), options.days);
    return Object.values(this.data.gaps)
      .map((gap) => ({ text: gap.text, count: totalSince(gap, firstDay), lastAt: gap.lastAt, kind: gap.kind, lang: gap.lang }))
      .filter((gap) => gap.count > 0)
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
      .slice(0, options.limit);
  }

  /** Number of distinct questions held (for tests of the bound). */
  get size(): number {
    return Object.keys(this.data.gaps).length;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Forgets day counts older than the retention, questions with none left, then the least asked beyond MAX_GAPS. */
  private prune(now: Date): void {
    const firstDay = firstDayOf(now, GAP_RETENTION_DAYS);
    for (const [key, gap] of Object.entries(this.data.gaps)) {
      for (const day of Object.keys(gap.days)) if (day < firstDay) delete gap.days[day];
      if (Object.keys(gap.days).length === 0) delete this.data.gaps[key];
    }
    const keys = Object.keys(this.data.gaps);
    if (keys.length <= MAX_GAPS) return;
    const weight = (key: string) => totalSince(this.data.gaps[key]!, firstDay);
    keys.sort((a, b) => weight(a) - weight(b) || this.data.gaps[a]!.lastAt.localeCompare(this.data.gaps[b]!.lastAt));
    for (const key of keys.slice(0, keys.length - MAX_GAPS)) delete this.data.gaps[key];
  }
}
