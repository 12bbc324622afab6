import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config/settings.js";
import { FEATURE_NAMES, type FeatureName } from "./sentence-features.js";

/**
 * The answer model: a logistic regression over a candidate sentence's features (sentence-features.ts) giving
 * the likelihood that the sentence holds the answer. Fitted on the dev sets as a whole by
 * scripts/fit-sentence-model.ts, which writes the weights file; nothing in it is aimed at a question.
 */
export interface SentenceModel {
  bias: number;
  weights: Record<FeatureName, number>;
  /**
   * The answer is direct when its best sentence reaches this likelihood, or holds the asked kind of answer and
   * mentions at least `directMinCoverage` of the question (IDF-weighted); otherwise it is `related`.
   */
  directThreshold: number;
  directMinCoverage: number;
  /** Sentences whose likelihood is at least this share of the best sentence's are quoted with it. */
  quoteShare: number;
}

export const SENTENCE_MODEL_FILE = path.join(PROJECT_ROOT, "src", "answer", "sentence-model.json");

/** Reads and checks a weights file: every feature needs a finite weight, so a stale file fails loudly at start. */
export function parseSentenceModel(json: string, source = "sentence model"): SentenceModel {
  const raw = JSON.parse(json) as { bias?: unknown; weights?: Record<string, unknown>; directThreshold?: unknown; directMinCoverage?: unknown; quoteShare?: unknown };
  const finite = (value: unknown, what: string): number => {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${source}: ${what} is not a number; refit with scripts/fit-sentence-model.ts`);
    return value;
  };
  const weights = Object.fromEntries(FEATURE_NAMES.map((name) => [name, finite(raw.weights?.[name], `weight "${name}"`)])) as Record<FeatureName, number>;
  return { bias: finite(raw.bias, "bias"), weights, directThreshold: finite(raw.directThreshold, "directThreshold"), directMinCoverage: finite(raw.directMinCoverage, "directMinCoverage"), quoteShare: finite(raw.quoteShare, "quoteShare") };
}

let shipped: SentenceModel | undefined;
/** The shipped model, read once per process. */
export function loadSentenceModel(): SentenceModel {
  shipped ??= parseSentenceModel(readFileSync(SENTENCE_MODEL_FILE, "utf8"), SENTENCE_MODEL_FILE);
  return shipped;
}

/** Likelihood (0–1) that a sentence with these features (in FEATURE_NAMES order) holds the answer. */
export function answerLikelihood(model: SentenceModel, features: readonly number[]): number {
  let weights = weightVectors.get(model);
  if (!weights) weightVectors.set(model, (weights = FEATURE_NAMES.map((name) => model.weights[name])));
  let z = model.bias;
  for (let i = 0; i < weights.length; i++) z += weights[i]! * features[i]!;
  return 1 / (1 + Math.exp(-z));
}

/** Per model, its weights in FEATURE_NAMES order (scored for every candidate sentence of every question). */
const weightVectors = new WeakMap<SentenceModel, number[]>();

/**
 * The coverage rule: the sentence holds the asked kind of answer (any sentence, when the question asks for no
 * kind) and mentions at least `minCoverage` of the question.
 */
export function meetsCoverageRule(features: readonly number[], minCoverage: number): boolean {
  return (features[TYPED]! > 0 || features[ASKS_TYPE]! === 0) && features[COVERAGE]! >= minCoverage;
}

const TYPED = FEATURE_NAMES.indexOf("typed");
const ASKS_TYPE = FEATURE_NAMES.indexOf("asks_type");
const COVERAGE = FEATURE_NAMES.indexOf("coverage");

/** Whether an answer whose best sentence has these features and likelihood is direct (SentenceModel.directThreshold). */
export function isDirectAnswer(model: SentenceModel, features: readonly number[], likelihood: number): boolean {
  return likelihood >= model.directThreshold || meetsCoverageRule(features, model.directMinCoverage);
}
