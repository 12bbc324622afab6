import type { IndexSnapshot, StoredPassage } from "../index/snapshot.js";
import { answerTypesIn } from "./answer-type.js";
import type { SentenceFeatures } from "./sentence-score.js";

/** A passage's index terms (and answer types) per sentence, and its article title's terms, as the lexical index sees them. */
export interface PassageTerms {
  sentences: SentenceFeatures[];
  title: Set<string>;
}

/**
 * Tokenizing a passage costs about as much as the rest of its scoring, and both retrieval (best sentence,
 * coverage) and quoting need the terms of the same passages; popular questions also bring back the same ones.
 * So terms are kept per snapshot (a refresh starts afresh) for the most recently used passages: a few KB each,
 * so this bound keeps the cache to some 10–20 MB.
 */
const TERM_CACHE_SIZE = 4096;
const termCache = new WeakMap<IndexSnapshot, Map<number, PassageTerms>>();

export function passageTerms(snapshot: IndexSnapshot, passage: StoredPassage): PassageTerms {
  let cache = termCache.get(snapshot);
  if (!cache) termCache.set(snapshot, (cache = new Map()));
  const cached = cache.get(passage.label);
  if (cached) {
    // Re-inserted so the Map's order is least recently used first.
    cache.delete(passage.label);
    cache.set(passage.label, cached);
    return cached;
  }
  const article = snapshot.articles.get(passage.articleId)!;
  const terms: PassageTerms = {
    sentences: passage.sentences.map(([start, end]) => {
      const text = article.text.slice(start, end);
      return { terms: new Set(snapshot.lexical.terms(text)), types: answerTypesIn(text) };
    }),
    title: new Set(snapshot.lexical.terms(article.title)),
  };
  cache.set(passage.label, terms);
  if (cache.size > TERM_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return terms;
}
