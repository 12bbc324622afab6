/**
 * Turns a raw news article (often a copy-paste from a web page or a press clipping) into clean prose.
 * Hand-written: boilerplate of Indonesian news sites (related headlines, "Berita Terkait", bylines,
 * clipping letterheads) is not something a general HTML/text cleaning library knows about.
 */

export interface CleanResult {
  /** Paragraphs separated by a blank line. */
  text: string;
  /** Lines that were dropped, in order. */
  dropped: string[];
  /** Dropped lines that stood before the first paragraph kept: the byline, dateline and captions. */
  header: string[];
}

export interface CleanOptions {
  title?: string | undefined;
  /** Markdown list items are content in admin-written .md files. */
  keepListItems?: boolean | undefined;
}

/** Version of the cleaning rules; part of every article's content hash so a rule change re-indexes. */
export const CLEANING_VERSION = 2;

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const ODD_SPACES = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const TERMINAL = /[.!?…]["”’'»)\]]*(?:\[\d+\])*$|["”]$/;
/** Lines after which nothing belongs to the article any more. */
const END_MARKERS = /^(simak (juga )?berita lainnya|baca berita lainnya|berita terkait|berita terkini( lainnya)?|artikel terkait|berita lainnya|penulis\s*:|editor\s*:|pewarta\s*:|reporter\s*:|tags?\s*:|topik\s*:)/i;
/** Lines that are never article prose, wherever they stand. */
const BOILERPLATE = /^(baca juga\b|sumber\s*:|foto\s*:|ilustrasi\s*:|img_title$|advertisement$|iklan$|scroll to continue|top$|no comments?$|share\b|bagikan\b|loading\.*$)/i;
const BULLET = /^[•·▪●■►◦]\s*/;
const MD_LIST = /^([-*+]|\d+[.)])\s+\S/;
/** Reporter or agency credits closing a news article: "(hed/kus)", "(AFP/OKI)", "(ynt/d03)". */
const REPORTER_INITIALS = /\s*\((?:[A-Za-z][A-Za-z0-9]{1,9})(?:\/[A-Za-z][A-Za-z0-9]{1,9})*\)$/;

/** Lines of Indonesian news boilerplate ("Baca juga", "Foto:", "Share"), for extractors with their own paragraphs. */
export function isBoilerplateLine(line: string): boolean {
  return BOILERPLATE.test(line);
}

/** Lines after which nothing belongs to the article ("Berita Terkait", "Editor:"). */
export function isEndMarkerLine(line: string): boolean {
  return END_MARKERS.test(line);
}

function normaliseLine(line: string): string {
  return line.replace(INVISIBLE, "").replace(ODD_SPACES, " ").replace(/[ \t]+/g, " ").trim();
}

function isTableRow(rawLine: string): boolean {
  return rawLine.split("\t").filter((cell) => cell.trim() !== "").length >= 2;
}

function wordCount(line: string): number {
  return line.split(/\s+/).filter(Boolean).length;
}

/**
 * Prose ends like a sentence. A long line with sentences inside is prose too, even when its last
 * sentence was cut off; headlines and captions are short and have no sentence break inside.
 */
function isProse(line: string): boolean {
  const text = line.replace(REPORTER_INITIALS, "");
  const words = wordCount(text);
  return (TERMINAL.test(text) && words >= 4) || (words >= 20 && /[.!?](?:\[\d+\])*["”’]?\s*["“]?\p{Lu}\p{Ll}/u.test(text));
}

function comparable(line: string): string {
  return line.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Re-joins sentences that a copy-paste broke over lines ("ditransfer melalui" / "kerja sama …"). */
function joinBrokenLines(lines: string[]): string[] {
  const out: string[] = [];
  let pendingBlank = false;
  for (const line of lines) {
    if (line === "") {
      pendingBlank = true;
      continue;
    }
    const previous = out[out.length - 1];
    const continues = previous !== undefined && !TERMINAL.test(previous) && wordCount(previous) >= 4 && /^\p{Ll}/u.test(line);
    if (continues) out[out.length - 1] = `${previous} ${line}`;
    else {
      if (pendingBlank && out.length > 0) out.push("");
      out.push(line);
    }
    pendingBlank = false;
  }
  return out;
}

/**
 * Index of the first line of a trailing run of unrelated headlines (two or more headline-like lines in
 * the last third, followed by at most two short paragraphs), or -1.
 */
function trailingHeadlineStart(lines: string[], keepListItems: boolean): number {
  const nonBlank = lines.map((line, index) => ({ line, index })).filter((entry) => entry.line !== "");
  const lastThird = Math.floor(nonBlank.length * (2 / 3));
  for (let i = lastThird; i < nonBlank.length - 1; i++) {
    const a = nonBlank[i]!.line;
    const b = nonBlank[i + 1]!.line;
    const headlineLike = (text: string) => !isProse(text) && wordCount(text) >= 3 && !(keepListItems && MD_LIST.test(text));
    if (!headlineLike(a) || !headlineLike(b)) continue;
    const before = nonBlank.slice(0, i).filter((entry) => isProse(entry.line)).length;
    const after = nonBlank.slice(i + 2).filter((entry) => isProse(entry.line)).length;
    if (before >= 2 && after <= 2) return nonBlank[i]!.index;
  }
  return -1;
}

export function cleanArticleText(raw: string, options: CleanOptions = {}): CleanResult {
  const keepListItems = options.keepListItems ?? false;
  const titleKey = options.title ? comparable(options.title) : "";
  const dropped: string[] = [];
  const rawLines = raw.replace(/\r\n?/g, "\n").split("\n");

  // Tables (clipping letterheads) are recognised on the raw line, before tabs become spaces.
  const lines: string[] = [];
  let seenProse = false;
  for (const rawLine of rawLines) {
    const line = normaliseLine(rawLine);
    if (isTableRow(rawLine)) {
      dropped.push(line);
      // A table after the body starts the clipping's administrative footer: nothing after it is article.
      if (seenProse) break;
      continue;
    }
    if (seenProse && END_MARKERS.test(line)) {
      dropped.push(line);
      break;
    }
    if (isProse(line)) seenProse = true;
    lines.push(line);
  }

  const joined = joinBrokenLines(lines);
  const tailStart = trailingHeadlineStart(joined, keepListItems);
  const body = tailStart >= 0 ? joined.slice(0, tailStart) : joined;
  if (tailStart >= 0) dropped.push(...joined.slice(tailStart).filter(Boolean));

  const paragraphs: string[] = [];
  const header: string[] = [];
  for (const line of body) {
    if (line === "") continue;
    const listItem = keepListItems && MD_LIST.test(line);
    const isTitle = titleKey !== "" && comparable(line) === titleKey;
    if (isTitle || BOILERPLATE.test(line) || BULLET.test(line) || (!listItem && !isProse(line))) {
      dropped.push(line);
      if (paragraphs.length === 0) header.push(line);
      continue;
    }
    paragraphs.push(line);
  }

  // A text with no prose at all (a list, a table of facts) is kept line by line rather than rejected whole.
  if (paragraphs.length === 0) {
    for (const line of body) {
      if (wordCount(line) >= 5 && !BOILERPLATE.test(line) && !(titleKey !== "" && comparable(line) === titleKey)) paragraphs.push(line);
    }
  }
  const unique = removeRepeatedParagraphs(paragraphs, dropped);
  const last = unique.length - 1;
  if (last >= 0 && REPORTER_INITIALS.test(unique[last]!)) {
    const initials = REPORTER_INITIALS.exec(unique[last]!)![0];
    dropped.push(initials.trim());
    unique[last] = unique[last]!.slice(0, -initials.length);
  }
  return { text: unique.join("\n\n"), dropped, header };
}

/**
 * Containment is checked against this many paragraphs on either side. A subtitle repeating the lead sits next to
 * it; comparing every pair made cleaning quadratic (a 10 MB text took minutes, blocking the bot's event loop).
 */
const CONTAINMENT_WINDOW = 50;

/** Drops exact repeats and paragraphs wholly contained in a longer one nearby (a subtitle repeating the lead). */
function removeRepeatedParagraphs(paragraphs: string[], dropped: string[]): string[] {
  const keys = paragraphs.map(comparable);
  const firstIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (!firstIndex.has(key)) firstIndex.set(key, index);
  });
  return paragraphs.filter((paragraph, index) => {
    const key = keys[index]!;
    const repeatsEarlier = firstIndex.get(key)! < index;
    const nearby = keys.slice(Math.max(0, index - CONTAINMENT_WINDOW), index + CONTAINMENT_WINDOW + 1);
    const containedInLonger = key.length >= 40 && nearby.some((other) => other.length > key.length && other.includes(key));
    if (repeatsEarlier || containedInLonger) {
      dropped.push(paragraph);
      return false;
    }
    return true;
  });
}
