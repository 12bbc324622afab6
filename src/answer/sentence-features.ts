import type { IndexSnapshot } from "../index/snapshot.js";
import type { Candidate } from "../retrieval/hybrid.js";
import { passageTerms } from "../retrieval/passage-terms.js";
import type { AnalyzedQuery } from "../retrieval/query.js";
import { scoreSentences, SENTENCE_WEIGHTS, weightQuery } from "../retrieval/sentence-score.js";

/**
 * Per candidate sentence, the signals the answer model (sentence-model.ts) weighs to pick the sentence that
 * holds the answer. Computed from the sentence scorer's outputs (retrieval/sentence-score.ts) and where the
 * sentence stands (its passage's rank and confidence, its place in the passage and the article), so the
 * fitting script (scripts/fit-sentence-model.ts) and the bot see exactly the same numbers.
 */
export const FEATURE_NAMES = [
  "coverage",
  "previous_coverage",
  "next_coverage",
  "typed",
  "typed_digits",
  "asks_type",
  "continues",
  "passage_rank_2",
  "passage_rank_3_plus",
  "passage_confidence",
  "confidence_below_top",
  "first_in_passage",
  "place_in_passage",
  "log_terms",
  "question_term_density",
  // Whether the sentence holds the asked kind of answer, per kind: some kinds are more telling than others.
  "typed_time",
  "typed_number",
  "typed_person",
  "typed_place",
  "typed_definition",
  "typed_reason",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** One sentence of a candidate passage, located in its article, with the scorer's verdict and the model's features. */
export interface CandidateSentence {
  articleId: string;
  /** Index of its passage among the candidates (0 = the best ranked). */
  candidateIndex: number;
  /** Position of the sentence in its passage. */
  position: number;
  start: number;
  end: number;
  /** Continues the previous sentence of its passage (which then is quoted with it). */
  continues: boolean;
  /** A heading or label ("Pasal 5", "Tim Evaluator"), not a statement: never the answer, never quoted. */
  heading: boolean;
  /** In the order of FEATURE_NAMES. */
  features: number[];
}

/** Share of a sentence's index terms that are the question's (its words or their synonyms). */
function questionTermDensity(sentenceTerms: ReadonlySet<string>, questionTerms: ReadonlySet<string>): number {
  if (sentenceTerms.size === 0) return 0;
  let hits = 0;
  for (const term of sentenceTerms) if (questionTerms.has(term)) hits++;
  return hits / sentenceTerms.size;
}

/** At most this many words without a closing stop make a heading or label rather than a statement. */
const HEADING_MAX_WORDS = 3;

function isHeading(text: string): boolean {
  return !/[.!?…"”')]\s*$/u.test(text) && text.trim().split(/\s+/u).length <= HEADING_MAX_WORDS;
}

/** Sentences scored per passage: a passage of more sentences than this is rare, and the place saturates. */
const PLACE_SCALE = 8;

/** The candidate passages' sentences with their features, in passage order. */
export function candidateSentences(snapshot: IndexSnapshot, query: AnalyzedQuery, candidates: readonly Candidate[]): CandidateSentence[] {
  const weighted = weightQuery(query, snapshot.lexical);
  const questionTerms = new Set(query.matchGroups.flat());
  const topConfidence = candidates[0]?.confidence ?? 0;
  const noTitle = new Set<string>();
  const sentences: CandidateSentence[] = [];
  candidates.forEach((candidate, candidateIndex) => {
    const terms = passageTerms(snapshot, candidate.passage);
    // Without the title: the dev sets the model is fitted on have none, and a title that names the question's
    // subject gives every sentence of its article the same coverage, so it cannot tell them apart anyway.
    const scores = scoreSentences(weighted, terms.sentences, noTitle);
    const densities = terms.sentences.map((sentence) => questionTermDensity(sentence.terms, questionTerms));
    candidate.passage.sentences.forEach(([start, end], position) => {
      const { coverage, typed, continues } = scores[position]!;
      const sentenceTerms = terms.sentences[position]!.terms;
      const asked = query.answerType;
      const typedAsked = asked !== undefined && typed;
      const values: Record<FeatureName, number> = {
        coverage,
        // The sentence that names the topic is often followed by the one that states the fact.
        previous_coverage: scores[position - 1]?.coverage ?? 0,
        next_coverage: scores[position + 1]?.coverage ?? 0,
        typed: typedAsked ? 1 : 0,
        // Digits ("Rp 8 miliar", "2015") state a number or date more surely than a number word ("pihak ketiga").
        typed_digits: typedAsked && (terms.sentences[position]!.types.get(asked) ?? []).some((word) => /\d/u.test(word) && !weighted.questionWords.has(word)) ? 1 : 0,
        asks_type: asked === undefined ? 0 : 1,
        continues: continues ? 1 : 0,
        passage_rank_2: candidateIndex === 1 ? 1 : 0,
        passage_rank_3_plus: candidateIndex >= 2 ? 1 : 0,
        passage_confidence: candidate.confidence,
        confidence_below_top: topConfidence - candidate.confidence,
        first_in_passage: position === 0 ? 1 : 0,
        place_in_passage: Math.min(position, PLACE_SCALE) / PLACE_SCALE,
        log_terms: Math.log1p(sentenceTerms.size),
        // A sentence continuing the previous one is read with it (as its coverage is: sentence-score.ts).
        question_term_density: continues ? Math.max(densities[position]!, SENTENCE_WEIGHTS.carry * densities[position - 1]!) : densities[position]!,
        typed_time: typedAsked && asked === "time" ? 1 : 0,
        typed_number: typedAsked && asked === "number" ? 1 : 0,
        typed_person: typedAsked && asked === "person" ? 1 : 0,
        typed_place: typedAsked && asked === "place" ? 1 : 0,
        typed_definition: typedAsked && asked === "definition" ? 1 : 0,
        typed_reason: typedAsked && asked === "reason" ? 1 : 0,
      };
      const text = snapshot.articles.get(candidate.passage.articleId)!.text.slice(start, end);
      sentences.push({ articleId: candidate.passage.articleId, candidateIndex, position, start, end, continues, heading: isHeading(text), features: FEATURE_NAMES.map((name) => values[name]) });
    });
  });
  return sentences;
}
