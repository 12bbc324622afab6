import type { Article } from "../knowledge/article.js";
import { pageRange, sectionAt, sectionBreaks } from "../knowledge/locate.js";
import type { LocatedPassage, Passage } from "./passage.js";
import { splitSentences, type Span } from "./sentences.js";

export interface ChunkOptions {
  minWords: number;
  maxWords: number;
  /** A sentence at most this long is repeated at the start of the next passage, so context spans the cut. */
  overlapMaxWords: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { minWords: 40, maxWords: 90, overlapMaxWords: 30 };

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Packs whole sentences into passages of about minWords–maxWords words, preferring to end a passage at a
 * paragraph end once it is long enough, with a one-sentence overlap between neighbours.
 */
export function chunkText(articleId: string, text: string, options: ChunkOptions = DEFAULT_CHUNKING): Passage[] {
  const sentences = splitSentences(text).map((span) => ({ ...span, words: words(text.slice(span.start, span.end)) }));
  const groups: (typeof sentences)[] = [];
  let current: typeof sentences = [];
  let count = 0;
  for (let i = 0; i < sentences.length; i++) {
    const sentence = sentences[i]!;
    if (current.length > 0 && count + sentence.words > options.maxWords) {
      groups.push(current);
      const last = current[current.length - 1]!;
      current = current.length > 1 && last.words <= options.overlapMaxWords ? [last] : [];
      count = current.reduce((sum, s) => sum + s.words, 0);
    }
    current.push(sentence);
    count += sentence.words;
    const next = sentences[i + 1];
    const paragraphEnds = next !== undefined && text.slice(sentence.end, next.start).includes("\n\n");
    if (paragraphEnds && count >= options.minWords && next && count + next.words > (options.minWords + options.maxWords) / 2) {
      groups.push(current);
      current = [];
      count = 0;
    }
  }
  if (current.length > 0) {
    const onlyOverlap = groups.length > 0 && current.length === 1 && groups[groups.length - 1]!.includes(current[0]!);
    const previous = groups[groups.length - 1];
    const previousWords = previous?.reduce((sum, s) => sum + s.words, 0) ?? 0;
    const fresh = current.filter((s) => !previous?.includes(s));
    const freshWords = fresh.reduce((sum, s) => sum + s.words, 0);
    if (onlyOverlap) {
      // nothing new
    } else if (previous && count < options.minWords && previousWords + freshWords <= options.maxWords * 1.25) {
      previous.push(...fresh);
    } else groups.push(current);
  }
  return groups.map((group, index) => {
    const start = group[0]!.start;
    const end = group[group.length - 1]!.end;
    const spans: Span[] = group.map(({ start: s, end: e }) => ({ start: s, end: e }));
    return { id: `${articleId}#${index}`, articleId, index, start, end, text: text.slice(start, end), sentences: spans };
  });
}

/** A section with fewer words than this (headings only: "BAB II", "Bagian Kesatu") joins the one after it. */
const MIN_SECTION_WORDS = 12;

/**
 * An article's passages with their pages and section. A passage never runs across the start of a Pasal or a
 * heading: each section is packed on its own, so a passage belongs to one Pasal and cites it. Headings with no
 * text of their own ("BAB II" over "Pasal 4") stay with the section they introduce.
 */
export function chunkArticle(article: Pick<Article, "id" | "text" | "pages" | "sections">, options: ChunkOptions = DEFAULT_CHUNKING): LocatedPassage[] {
  const text = article.text;
  const starts = [0, ...sectionBreaks(article).filter((at) => at > 0)];
  const pieces: Array<{ from: number; to: number; content: number }> = [];
  let pending: number | undefined;
  starts.forEach((from, i) => {
    const to = starts[i + 1] ?? text.length;
    const begin = pending ?? from;
    if (to < text.length && words(text.slice(begin, to)) < MIN_SECTION_WORDS) pending = begin;
    else {
      pieces.push({ from: begin, to, content: from });
      pending = undefined;
    }
  });
  const passages: LocatedPassage[] = [];
  for (const { from, to, content } of pieces) {
    for (const passage of chunkText(article.id, text.slice(from, to), options)) {
      const index = passages.length;
      const start = passage.start + from;
      const end = passage.end + from;
      const sentences = passage.sentences.map((span) => ({ start: span.start + from, end: span.end + from }));
      // Located from where the section's own text begins, not from the headings above it.
      passages.push({ ...passage, id: `${article.id}#${index}`, index, start, end, sentences, ...pageRange(article, start, end), ...sectionAt(article, Math.max(start, content)) });
    }
  }
  return passages;
}
