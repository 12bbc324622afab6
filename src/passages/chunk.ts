import type { Passage } from "./passage.js";
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
