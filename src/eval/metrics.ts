/**
 * Retrieval metrics over article rankings. A question's ranking is the list of article ids in the order
 * their passages were retrieved, deduplicated (an article counts once, at its best passage's rank).
 * Relevance is binary: an article is relevant when its id is in the question's `relevant` list.
 */

/** Article ids in order of their first passage, each once. */
export function dedupeRanking(articleIds: readonly string[]): string[] {
  const seen = new Set<string>();
  const ranking: string[] = [];
  for (const id of articleIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    ranking.push(id);
  }
  return ranking;
}

/** 1-based rank of the first relevant article within the first `k`, or undefined. */
export function firstRelevantRank(ranking: readonly string[], relevant: ReadonlySet<string>, k = Infinity): number | undefined {
  const depth = Math.min(k, ranking.length);
  for (let i = 0; i < depth; i++) if (relevant.has(ranking[i]!)) return i + 1;
  return undefined;
}

/**
 * Hit-based recall ("success@k"): 1 when any relevant article is among the first `k`, else 0. The data
 * sets mark one passage as answering a question (several only when the same question was asked of
 * copies of a passage), so finding any of them is what counts.
 */
export function recallAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return firstRelevantRank(ranking, relevant, k) === undefined ? 0 : 1;
}

/** Reciprocal rank of the first relevant article within the first `k` (0 when none). */
export function reciprocalRankAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const rank = firstRelevantRank(ranking, relevant, k);
  return rank === undefined ? 0 : 1 / rank;
}

/**
 * nDCG@k with binary gains: DCG = Σ 1/log2(rank + 1) over relevant articles in the first `k`; the ideal
 * DCG puts min(|relevant|, k) relevant articles at the top. 0 when nothing is relevant.
 */
export function ndcgAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const idealCount = Math.min(relevant.size, k);
  if (idealCount === 0) return 0;
  let dcg = 0;
  const depth = Math.min(k, ranking.length);
  for (let i = 0; i < depth; i++) if (relevant.has(ranking[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < idealCount; i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Metrics of one answerable question under one configuration. */
export interface QuestionScore {
  "recall@1": number;
  "recall@3": number;
  "recall@10": number;
  "mrr@10": number;
  "ndcg@10": number;
  /** Top candidate's confidence reached the engine's found threshold. */
  found: boolean;
}

export function scoreQuestion(articleIds: readonly string[], relevant: readonly string[], found: boolean): QuestionScore {
  const ranking = dedupeRanking(articleIds).slice(0, 10);
  const wanted = new Set(relevant);
  return {
    "recall@1": recallAt(ranking, wanted, 1),
    "recall@3": recallAt(ranking, wanted, 3),
    "recall@10": recallAt(ranking, wanted, 10),
    "mrr@10": reciprocalRankAt(ranking, wanted, 10),
    "ndcg@10": ndcgAt(ranking, wanted, 10),
    found,
  };
}

/** Mean metrics over a set of questions: the `M` of the eval JSON. */
export interface MetricSummary {
  n: number;
  "recall@1": number;
  "recall@3": number;
  "recall@10": number;
  "mrr@10": number;
  "ndcg@10": number;
  found_rate: number;
}

export const METRIC_KEYS = ["recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10", "found_rate"] as const;

/** Averages question scores; every mean is 0 for an empty list. Values are rounded to 4 decimals. */
export function summarize(scores: readonly QuestionScore[]): MetricSummary {
  const n = scores.length;
  const mean = (pick: (score: QuestionScore) => number): number => (n === 0 ? 0 : round4(scores.reduce((sum, score) => sum + pick(score), 0) / n));
  return {
    n,
    "recall@1": mean((s) => s["recall@1"]),
    "recall@3": mean((s) => s["recall@3"]),
    "recall@10": mean((s) => s["recall@10"]),
    "mrr@10": mean((s) => s["mrr@10"]),
    "ndcg@10": mean((s) => s["ndcg@10"]),
    found_rate: mean((s) => (s.found ? 1 : 0)),
  };
}

export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Nearest-rank percentile (p in 0–100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * A deterministic, evenly spaced subset of `count` items, taken separately from each stratum (language,
 * answerable or not) in proportion to its size, so a small subset keeps the mix of the whole set. Order
 * within the result follows the input. Parallel items (belebele's en/id pairs) land in both strata at the
 * same positions.
 */
export function evenlySpacedSubset<T>(items: readonly T[], count: number, stratum: (item: T) => string = () => ""): T[] {
  if (count >= items.length) return [...items];
  if (count <= 0) return [];
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = stratum(item);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  // Largest-remainder allocation of `count` over the strata.
  const entries = [...groups.entries()];
  const quotas = entries.map(([key, indexes]) => ({ key, indexes, exact: (count * indexes.length) / items.length }));
  const allocated = quotas.map((q) => Math.floor(q.exact));
  let left = count - allocated.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => ({ i, remainder: q.exact - Math.floor(q.exact) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    allocated[i]!++;
    left--;
  }
  const picked: number[] = [];
  quotas.forEach((q, i) => {
    const take = allocated[i]!;
    for (let j = 0; j < take; j++) picked.push(q.indexes[Math.floor((j * q.indexes.length) / take)]!);
  });
  return picked.sort((a, b) => a - b).map((index) => items[index]!);
}
