import type { LexicalIndex } from "../index/lexical-index.js";
import { indonesianTerms } from "../index/indonesian-tokenizer.js";
import type { AnalyzedQuery, AnswerType } from "./query.js";

/** A question's concepts with IDF weights, prepared once per question for scoring sentences. */
export interface WeightedQuery {
  groups: string[][];
  /** Per group; 0 for a concept no passage mentions (it cannot tell candidates apart). */
  weights: number[];
  total: number;
  answerType: AnswerType | undefined;
}

/**
 * Names count double, as in quoting (answer/compose.ts): a sentence that shares the question's common
 * words but not its subject is usually about something else (measured: +0.003 to +0.005 nDCG@10 on the
 * TyDi QA and Belebele dev sets against equal weights).
 */
const NAME_WEIGHT = 2;

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
    return Math.min(...present) * (group.some((term) => query.names.has(term)) ? NAME_WEIGHT : 1);
  });
  return { groups: query.termGroups, weights, total: weights.reduce((sum, weight) => sum + weight, 0), answerType: query.answerType };
}

/** Month names (and "abad", century) as index terms: with a year, the ways a sentence states a time. */
const TIME_TERMS = new Set(indonesianTerms("januari februari maret april mei juni juli agustus september oktober november desember abad"));

/** Whether a sentence's terms can hold the kind of answer asked for: a year or month for "when", any number for "how many". */
function holdsAnswerType(type: AnswerType, terms: ReadonlySet<string>): boolean {
  for (const term of terms) {
    if (type === "number" ? /\d/u.test(term) : /^\d{3,4}$/u.test(term) || TIME_TERMS.has(term)) return true;
  }
  return false;
}

/**
 * IDF-weighted share of the question's concepts found in the passage's best sentence (the title counts
 * for every sentence), 0 to 1 + `answerTypeBonus`. Question words that meet in one sentence usually state
 * the fact asked about; the same words spread over a passage often do not, and BM25 cannot tell the two
 * apart. For "when" and "how many" questions a sentence that holds a date or number gets the bonus, as a
 * share of the question: the paragraph that names the event without its date is a near miss.
 */
export function bestSentenceScore(query: WeightedQuery, sentences: ReadonlyArray<ReadonlySet<string>>, title: ReadonlySet<string>, answerTypeBonus = 0): number {
  if (query.total === 0) return 0;
  let best = 0;
  for (const terms of sentences) {
    let covered = query.answerType && answerTypeBonus > 0 && holdsAnswerType(query.answerType, terms) ? answerTypeBonus * query.total : 0;
    query.groups.forEach((group, i) => {
      if (group.some((term) => terms.has(term) || title.has(term))) covered += query.weights[i]!;
    });
    best = Math.max(best, covered);
  }
  return best / query.total;
}
