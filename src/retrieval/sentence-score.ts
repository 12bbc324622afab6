import type { LexicalIndex } from "../index/lexical-index.js";
import { holdsNewAnswer, type AnswerType, type SentenceAnswers } from "./answer-type.js";
import { namesAConcept, type AnalyzedQuery } from "./query.js";

/**
 * The one sentence scorer: retrieval ranks a passage by its best sentence, and the answer model that picks the
 * bold sentence among the best passages (answer/sentence-features.ts) reads its coverage and answer types, so
 * ranking and highlighting weigh the question's words the same way.
 */

/** A question's concepts with IDF weights, prepared once per question for scoring sentences. */
export interface WeightedQuery {
  /** Per concept, the terms that mention it (the question's, and their synonyms). */
  groups: string[][];
  /** Per group; 0 for a concept no passage mentions (it cannot tell candidates apart). */
  weights: number[];
  total: number;
  answerType: AnswerType | undefined;
  /** The question's words, lower-cased: a candidate answer that is one of them does not answer it. */
  questionWords: ReadonlySet<string>;
}

/** What the scorer needs of one sentence: its index terms and the answer types it can hold (passage-terms.ts). */
export interface SentenceFeatures {
  terms: ReadonlySet<string>;
  types: SentenceAnswers;
}

/**
 * The scorer's weights, measured as whole-set figures on the dev sets (docs/benchmarks.md).
 * - `name`: names count double: a sentence that shares the question's common words but not its subject is
 *   usually about something else (+0.003 to +0.005 nDCG@10 on TyDi QA and Belebele against equal weights).
 * - `answerType`: added, as a share of the question, when the sentence can hold the kind of answer asked for
 *   (a candidate answer that is not one of the question's own words): the paragraph that names the event
 *   without its date is a near miss. 0.35 instead of 0.2 bought nothing (FacQA).
 * - `carry`, `shortSentenceTerms`: how much of the previous sentence's coverage a short typed sentence
 *   continuing it inherits, and how many index terms make a sentence short (scoreSentences).
 */
export const SENTENCE_WEIGHTS: { name: number; answerType: Record<AnswerType, number>; carry: number; shortSentenceTerms: number } = {
  name: 2,
  carry: 0.9,
  shortSentenceTerms: 6,
  // Person names and definitional patterns are too common in sentences to rank by: as weights they moved the
  // bold sentence away from the answer (FacQA and IDK-MRC dev subsets); they still decide direct vs related.
  answerType: { time: 0.2, number: 0.2, person: 0, place: 0.2, definition: 0, reason: 0.2 },
};

/** BM25's IDF, so the sentence signal weighs words the way the lexical retriever does. */
function idf(lexical: LexicalIndex, term: string): number {
  const df = lexical.documentFrequency(term);
  if (df === 0) return 0;
  const n = lexical.documentCount;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * Weights each concept by its rarity in the index. A group of alternatives (an English word's
 * translations) is weighted by its most common member, so a rare synonym does not inflate a concept that
 * passages usually express with a common word.
 */
export function weightQuery(query: AnalyzedQuery, lexical: LexicalIndex): WeightedQuery {
  const weights = query.termGroups.map((group) => {
    const present = group.map((term) => idf(lexical, term)).filter((weight) => weight > 0);
    if (present.length === 0) return 0;
    return Math.min(...present) * (namesAConcept(query, group) ? SENTENCE_WEIGHTS.name : 1);
  });
  return { groups: query.matchGroups, weights, total: weights.reduce((sum, weight) => sum + weight, 0), answerType: query.answerType, questionWords: new Set(query.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) };
}

/** IDF-weighted share of the question's concepts the sentence (with its article title) mentions, 0–1. */
function sentenceCoverage(query: WeightedQuery, sentence: SentenceFeatures, title: ReadonlySet<string>): number {
  if (query.total === 0) return 0;
  let covered = 0;
  query.groups.forEach((group, i) => {
    if (group.some((term) => sentence.terms.has(term) || title.has(term))) covered += query.weights[i]!;
  });
  return covered / query.total;
}

/** How one sentence of a passage answers the question. */
export interface SentenceScore {
  /** Coverage plus the answer-type weight when it holds the kind of answer asked for. */
  score: number;
  /** Share of the question it speaks to (its own, or carried from the sentence it continues). */
  coverage: number;
  /** Whether it can hold the kind of answer asked for (true when the question asks for no kind). */
  typed: boolean;
  /** Its coverage is carried from the previous sentence, which it continues (quote them together). */
  continues: boolean;
}

/**
 * Scores a passage's sentences (its title counts for every sentence): question words that meet in one
 * sentence usually state the fact asked about; the same words spread over a passage often do not, and BM25
 * cannot tell the two apart. A short sentence that holds the asked kind of answer right after one that speaks
 * to the question usually continues it ("Di Banyuwangi anggaran … paling murah. Tidak lebih dari Rp 8
 * miliar."), so it is credited with that sentence's coverage, scaled by `carry`.
 */
export function scoreSentences(query: WeightedQuery, sentences: readonly SentenceFeatures[], title: ReadonlySet<string>): SentenceScore[] {
  if (query.total === 0) return sentences.map(() => ({ score: 0, coverage: 0, typed: query.answerType === undefined, continues: false }));
  const type = query.answerType;
  const own = sentences.map((sentence) => sentenceCoverage(query, sentence, title));
  const typed = sentences.map((sentence) => type === undefined || holdsNewAnswer(type, sentence.types, query.questionWords));
  return sentences.map((sentence, i) => {
    const short = type !== undefined && typed[i]! && i > 0 && !typed[i - 1]! && sentence.terms.size <= SENTENCE_WEIGHTS.shortSentenceTerms;
    const continues = short && SENTENCE_WEIGHTS.carry * own[i - 1]! > own[i]!;
    const coverage = continues ? SENTENCE_WEIGHTS.carry * own[i - 1]! : own[i]!;
    return { score: coverage + (type !== undefined && typed[i]! ? SENTENCE_WEIGHTS.answerType[type] : 0), coverage, typed: typed[i]!, continues };
  });
}

/** The passage's best sentence score: what retrieval adds to the fused score. */
export function bestSentenceScore(query: WeightedQuery, sentences: readonly SentenceFeatures[], title: ReadonlySet<string>): number {
  let best = 0;
  for (const sentence of scoreSentences(query, sentences, title)) best = Math.max(best, sentence.score);
  return best;
}
