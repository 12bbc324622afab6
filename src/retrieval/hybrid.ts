import type { Embedder } from "../embedding/embedder.js";
import type { IndexSnapshot, StoredPassage } from "../index/snapshot.js";
import type { Language } from "./language.js";
import { passageTerms } from "./passage-terms.js";
import { bestSentenceScore, weightQuery } from "./sentence-score.js";
import { coverage, namesMentioned, type AnalyzedQuery } from "./query.js";

export interface FusionSettings {
  /**
   * "rrf": reciprocal rank fusion (ranks only). "score": relative score fusion — each retriever's scores
   * scaled to 0–1 within the candidate set, then weighted; it keeps how decisively a retriever prefers
   * its best candidates, which ranks throw away.
   */
  method: "rrf" | "score";
  /** Weight of the dense (embedding) ranking in reciprocal rank fusion. */
  denseWeight: number;
  /** Weight of the lexical (BM25) ranking. */
  lexicalWeight: number;
  /** The k of RRF: larger flattens the advantage of the very first ranks. */
  rrfK: number;
  /** How many candidates each retriever contributes. */
  depth: number;
  /**
   * Hybrid only: weight of the best-sentence signal (IDF-weighted share of the question found in one
   * sentence of the passage, 0–1) added to the fused score. 0 turns it off.
   */
  sentenceWeight: number;
}

export type RetrievalMode = "hybrid" | "dense" | "lexical";

/**
 * Tuned as whole-set measurements on the dev questions (docs/benchmarks.md). Indonesian questions lean on
 * BM25, which reads Indonesian directly; English ones lean on the dense side, which compares the
 * question with the passages' pseudo-English rendering. The sentence signal helps both languages alike; it
 * is lexical evidence too, so with it the dense side weighs a little more than BM25 (1.2 : 1).
 */
export const DEFAULT_FUSION: Record<"id" | "en", FusionSettings> = {
  id: { method: "score", denseWeight: 1.2, lexicalWeight: 1, rrfK: 60, depth: 40, sentenceWeight: 1 },
  en: { method: "score", denseWeight: 1.2, lexicalWeight: 0.5, rrfK: 60, depth: 40, sentenceWeight: 1 },
};

export interface Candidate {
  passage: StoredPassage;
  /** Best cosine similarity between the question (or its rendering) and the passage. */
  dense: number;
  /** BM25 score, 0 when the lexical retriever did not return it. */
  lexical: number;
  fused: number;
  /** Share of the question's concepts the passage (with its title) mentions. */
  coverage: number;
  /** Share of the question's names the passage (with its title) mentions (query.ts namesMentioned). */
  names: number;
  /** 0–1 relevance estimate combining both signals; decides `found`. */
  confidence: number;
}

/**
 * How confidence mixes its two signals, per question language. `denseBaseline`: the cosine similarity an
 * unrelated passage typically reaches (the default model is English-only: it sees Indonesian text as sub-word
 * noise, so any two Indonesian texts look alike at ~0.35–0.45, while an English question and an unrelated
 * Indonesian passage sit near 0.1–0.25). `denseShare`: the weight of dense similarity against concept
 * coverage, calibrated with the found thresholds by scripts/found-threshold-curve.ts (docs/benchmarks.md).
 */
export const CONFIDENCE: { denseBaseline: Record<Language, number>; denseShare: Record<Language, number> } = {
  denseBaseline: { id: 0.2, en: 0.2 },
  denseShare: { id: 0.2, en: 0.6 },
};

/**
 * Maps raw signals to a 0–1 confidence: concept coverage, comparable across languages and models, and dense
 * similarity above the language's baseline. English questions reach Indonesian passages through translation,
 * which covers fewer of their concepts, so for them dense similarity weighs more. Coverage counts only as far as
 * the passage mentions the question's names: a passage that shares a question's common words but not its
 * subject is about something else (against the seed articles, most wrongly found dev questions were of that
 * kind; docs/benchmarks.md "Calibrating found").
 */
export function confidenceOf(dense: number, covered: number, names: number, lang: Language, denseShare = CONFIDENCE.denseShare[lang]): number {
  const denseNorm = Math.min(1, Math.max(0, (dense - CONFIDENCE.denseBaseline[lang]) / 0.35));
  return denseShare * denseNorm + (1 - denseShare) * covered * names;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Hybrid retrieval: dense and BM25 candidates fused by relative score (or reciprocal rank) fusion, plus,
 * in hybrid mode, the best-sentence signal computed for the fused candidates only (at most twice the depth).
 */
export async function retrieve(snapshot: IndexSnapshot, embedder: Embedder, query: AnalyzedQuery, limit: number, mode: RetrievalMode = "hybrid", fusion: FusionSettings = DEFAULT_FUSION[query.lang]): Promise<Candidate[]> {
  const queryVectors = await embedder.embedQueries(query.denseTexts);
  const dense = new Map<number, number>();
  if (mode !== "lexical") {
    for (const vector of queryVectors) {
      for (const hit of snapshot.vectors.search(vector, fusion.depth)) dense.set(hit.label, Math.max(dense.get(hit.label) ?? -1, hit.similarity));
    }
  }
  const lexical = new Map<number, number>();
  if (mode !== "dense") {
    for (const hit of await snapshot.lexical.search(query.lexicalText, fusion.depth)) {
      const passage = snapshot.passagesById.get(hit.id);
      if (passage) lexical.set(passage.label, hit.score);
    }
  }
  // Exact similarity for lexical-only candidates, so every candidate has both signals.
  for (const label of lexical.keys()) {
    if (!dense.has(label)) {
      const vector = snapshot.vectors.vector(label);
      dense.set(label, Math.max(...queryVectors.map((q) => dot(q, vector))));
    }
  }
  const denseRank = rankOf(mode === "lexical" ? new Map() : dense);
  const lexicalRank = rankOf(lexical);
  const denseValues = mode === "lexical" ? [] : [...dense.values()];
  const denseMin = Math.min(...denseValues);
  const denseSpan = Math.max(...denseValues) - denseMin || 1;
  const lexicalMax = Math.max(0, ...lexical.values()) || 1;
  const fusedLabels: Array<{ label: number; similarity: number; fused: number }> = [];
  for (const [label, similarity] of dense) {
    const rd = denseRank.get(label);
    const rl = lexicalRank.get(label);
    const fused =
      fusion.method === "score"
        ? (rd !== undefined ? fusion.denseWeight * ((similarity - denseMin) / denseSpan) : 0) + fusion.lexicalWeight * ((lexical.get(label) ?? 0) / lexicalMax)
        : (rd !== undefined ? fusion.denseWeight / (fusion.rrfK + rd) : 0) + (rl !== undefined ? fusion.lexicalWeight / (fusion.rrfK + rl) : 0);
    fusedLabels.push({ label, similarity, fused });
  }
  if (mode === "hybrid" && fusion.sentenceWeight > 0) {
    const weighted = weightQuery(query, snapshot.lexical);
    for (const item of fusedLabels) {
      const passage = snapshot.passagesByLabel.get(item.label);
      if (!passage) continue;
      const terms = passageTerms(snapshot, passage);
      item.fused += fusion.sentenceWeight * bestSentenceScore(weighted, terms.sentences, terms.title);
    }
  }
  fusedLabels.sort((a, b) => b.fused - a.fused);
  // Coverage needs the passage's stemmed terms: computed only for the candidates returned (the hot path).
  const candidates: Candidate[] = [];
  for (const { label, similarity, fused } of fusedLabels.slice(0, limit)) {
    const passage = snapshot.passagesByLabel.get(label);
    if (!passage) continue;
    const terms = passageTerms(snapshot, passage);
    const passageTermSet = new Set([...terms.title, ...terms.sentences.flatMap((sentence) => [...sentence.terms])]);
    const covered = coverage(query.termGroups, passageTermSet);
    const names = namesMentioned(query, passageTermSet);
    candidates.push({ passage, dense: similarity, lexical: lexical.get(label) ?? 0, fused, coverage: covered, names, confidence: confidenceOf(similarity, covered, names, query.lang) });
  }
  return candidates;
}

function rankOf(scores: Map<number, number>): Map<number, number> {
  const ordered = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  return new Map(ordered.map(([label], index) => [label, index + 1]));
}
