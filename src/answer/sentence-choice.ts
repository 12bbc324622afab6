import { isDirectAnswer, meetsCoverageRule, type SentenceModel } from "./sentence-model.js";

/** A candidate sentence as the choice needs it: its features and score, and where it stands. */
export interface ChoosableSentence {
  features: readonly number[];
  score: number;
  /** Continues the previous sentence of its passage (which is then quoted with it). */
  continues: boolean;
  /** Index of its passage among the candidates. */
  passage: number;
  position: number;
  /** The same for the same sentence in overlapping passages. */
  key: string;
  /** A heading or label, not a statement: left out. */
  heading: boolean;
}

export interface ChoiceRule<T extends ChoosableSentence> {
  /** Sentences ranked before all others (then by score). */
  preferred: (sentence: T) => boolean;
  /** Sentences quoted whatever their score (as room allows, in rank order). */
  alsoQuoted: (sentence: T) => boolean;
  /** Whether the best sentence makes the answer direct. */
  direct: (sentence: T) => boolean;
  /** Other sentences are quoted when `alsoQuoted` or scoring at least this share of the best. */
  quoteShare: number;
  maxQuoted: number;
}

export interface SentenceChoice<T> {
  best: T;
  direct: boolean;
  /** Best first, then the sentence it continues, then the rest by rank; each sentence once. */
  quoted: T[];
}

/** The shipped rule: the answer model's likelihood, with sentences that meet the coverage rule ranked first. */
export function modelChoiceRule<T extends ChoosableSentence>(model: SentenceModel, maxQuoted: number): ChoiceRule<T> {
  return {
    // Within the best passage only: the passages' own ranking outweighs a lower passage's typed sentence.
    preferred: (sentence) => sentence.passage === 0 && meetsCoverageRule(sentence.features, model.directMinCoverage),
    alsoQuoted: (sentence) => meetsCoverageRule(sentence.features, model.directMinCoverage),
    direct: (sentence) => isDirectAnswer(model, sentence.features, sentence.score),
    quoteShare: model.quoteShare,
    maxQuoted,
  };
}

/**
 * Picks the bold sentence and the quotes among the candidate sentences. Headings and labels are left out. A sentence of the
 * best passage that holds the asked kind of answer and speaks to half of the question comes first: on long news articles, unlike the short dev-set
 * passages the model is fitted on, its likelihood alone can rank a sentence that only names the topic above
 * the one that states the fact. Shared by answer/compose.ts and the fitting script's replay.
 */
export function chooseSentences<T extends ChoosableSentence>(candidates: readonly T[], rule: ChoiceRule<T>): SentenceChoice<T> | undefined {
  const statements = candidates.filter((sentence) => !sentence.heading);
  const pool = statements.length > 0 ? statements : candidates;
  const preferred = new Set(pool.filter(rule.preferred));
  const ranked = [...pool].sort((a, b) => Number(preferred.has(b)) - Number(preferred.has(a)) || b.score - a.score);
  const best = ranked[0];
  if (!best) return undefined;
  const context = best.continues ? pool.find((sentence) => sentence.passage === best.passage && sentence.position === best.position - 1) : undefined;
  const seen = new Set<string>();
  const quoted = [best, ...(context ? [context] : []), ...ranked.filter((sentence) => rule.alsoQuoted(sentence) || sentence.score >= best.score * rule.quoteShare)]
    .filter((sentence) => !seen.has(sentence.key) && Boolean(seen.add(sentence.key)))
    .slice(0, rule.maxQuoted);
  return { best, direct: rule.direct(best), quoted };
}
