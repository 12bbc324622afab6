import { describe, expect, it } from "vitest";
import { dedupeRanking, evenlySpacedSubset, firstRelevantRank, ndcgAt, percentile, recallAt, reciprocalRankAt, scoreQuestion, summarize } from "../../src/eval/metrics.js";

const rel = (...ids: string[]) => new Set(ids);

describe("dedupeRanking", () => {
  it("keeps each article once, at its best passage's rank", () => {
    expect(dedupeRanking(["a", "a", "b", "a", "c", "b", "d"])).toEqual(["a", "b", "c", "d"]);
    expect(dedupeRanking([])).toEqual([]);
  });
});

describe("recall@k (hit-based)", () => {
  const ranking = ["x", "y", "z", "r", "s"];
  it("is 1 only when a relevant article is within the first k", () => {
    expect(recallAt(ranking, rel("z"), 1)).toBe(0);
    expect(recallAt(ranking, rel("z"), 2)).toBe(0);
    expect(recallAt(ranking, rel("z"), 3)).toBe(1);
    expect(recallAt(ranking, rel("x"), 1)).toBe(1);
    expect(recallAt(ranking, rel("nope"), 10)).toBe(0);
  });
  it("counts a hit when any one of several relevant articles is found", () => {
    expect(recallAt(ranking, rel("s", "missing"), 10)).toBe(1);
    expect(recallAt(ranking, rel("s", "missing"), 4)).toBe(0);
  });
  it("never exceeds the ranking's length", () => {
    expect(firstRelevantRank(["a"], rel("b"), 10)).toBeUndefined();
    expect(firstRelevantRank(["a", "b"], rel("b"))).toBe(2);
  });
});

describe("MRR@k", () => {
  it("is the reciprocal of the first relevant rank, 0 beyond k", () => {
    expect(reciprocalRankAt(["a", "b", "c", "d"], rel("c"), 10)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRankAt(["a", "b", "c", "d"], rel("d", "b"), 10)).toBeCloseTo(1 / 2, 10);
    expect(reciprocalRankAt(["a", "b", "c", "d"], rel("d"), 3)).toBe(0);
    expect(reciprocalRankAt(["a"], rel("a"), 10)).toBe(1);
  });
});

describe("nDCG@k (binary gains)", () => {
  it("is 1 for a perfect ranking and 0 without relevant articles", () => {
    expect(ndcgAt(["a", "b", "c"], rel("a"), 10)).toBe(1);
    expect(ndcgAt(["a", "b", "c"], rel("a", "b"), 10)).toBe(1);
    expect(ndcgAt(["a", "b", "c"], rel(), 10)).toBe(0);
    expect(ndcgAt(["a", "b", "c"], rel("z"), 10)).toBe(0);
  });
  it("discounts by log2(rank + 1)", () => {
    // One relevant article at rank 2: DCG = 1/log2(3), IDCG = 1.
    expect(ndcgAt(["x", "a", "y"], rel("a"), 10)).toBeCloseTo(1 / Math.log2(3), 10);
    // Rank 3.
    expect(ndcgAt(["x", "y", "a"], rel("a"), 10)).toBeCloseTo(0.5, 10);
  });
  it("takes the ideal DCG from the number of relevant ids, capped at k", () => {
    // Two relevant, one found at rank 1: DCG = 1, IDCG = 1 + 1/log2(3).
    expect(ndcgAt(["a", "x", "y"], rel("a", "b"), 10)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
    // Relevant at ranks 1 and 3 out of two.
    expect(ndcgAt(["a", "x", "b"], rel("a", "b"), 10)).toBeCloseTo((1 + 0.5) / (1 + 1 / Math.log2(3)), 10);
    // Twelve relevant ids and k = 10: the ideal holds 10 of them, so ten hits in ten ranks score 1.
    const many = Array.from({ length: 12 }, (_, i) => `r${i}`);
    expect(ndcgAt(many.slice(0, 10), new Set(many), 10)).toBeCloseTo(1, 10);
  });
  it("ignores relevant articles beyond k", () => {
    const ranking = [...Array.from({ length: 10 }, (_, i) => `x${i}`), "a"];
    expect(ndcgAt(ranking, rel("a"), 10)).toBe(0);
    expect(ndcgAt(ranking, rel("a"), 11)).toBeCloseTo(1 / Math.log2(12), 10);
  });
});

describe("scoreQuestion", () => {
  it("dedupes passages to articles before scoring", () => {
    // Passages of "x" fill ranks 1–3; deduplicated, "a" is the second article.
    const score = scoreQuestion(["x", "x", "x", "a"], ["a"], true);
    expect(score["recall@1"]).toBe(0);
    expect(score["recall@3"]).toBe(1);
    expect(score["mrr@10"]).toBe(0.5);
    expect(score["ndcg@10"]).toBeCloseTo(1 / Math.log2(3), 10);
    expect(score.found).toBe(true);
  });
  it("only counts the first 10 distinct articles", () => {
    const ids = [...Array.from({ length: 10 }, (_, i) => `x${i}`), "a"];
    const score = scoreQuestion(ids, ["a"], false);
    expect(score["recall@10"]).toBe(0);
    expect(score["mrr@10"]).toBe(0);
  });
});

describe("summarize", () => {
  it("averages each metric and the found rate", () => {
    const summary = summarize([scoreQuestion(["a"], ["a"], true), scoreQuestion(["x", "y", "a"], ["a"], false), scoreQuestion(["x"], ["a"], false), scoreQuestion(["y", "a"], ["a"], true)]);
    expect(summary.n).toBe(4);
    expect(summary["recall@1"]).toBe(0.25);
    expect(summary["recall@3"]).toBe(0.75);
    expect(summary["recall@10"]).toBe(0.75);
    expect(summary["mrr@10"]).toBeCloseTo((1 + 1 / 3 + 0 + 1 / 2) / 4, 4);
    expect(summary.found_rate).toBe(0.5);
  });
  it("is all zeros for no questions", () => {
    expect(summarize([])).toEqual({ n: 0, "recall@1": 0, "recall@3": 0, "recall@10": 0, "mrr@10": 0, "ndcg@10": 0, found_rate: 0 });
  });
});

describe("percentile (nearest rank)", () => {
  it("picks the nearest-rank value", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted input
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("evenlySpacedSubset", () => {
  it("is deterministic, evenly spaced and in input order", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect(evenlySpacedSubset(items, 4)).toEqual([0, 25, 50, 75]);
    expect(evenlySpacedSubset(items, 4)).toEqual(evenlySpacedSubset(items, 4));
    expect(evenlySpacedSubset(items, 200)).toHaveLength(100);
    expect(evenlySpacedSubset(items, 0)).toEqual([]);
  });
  it("keeps strata in proportion even when they alternate (en/id pairs, answerable/unanswerable)", () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ i, lang: i % 2 === 0 ? "en" : "id" }));
    const subset = evenlySpacedSubset(items, 10, (item) => item.lang);
    expect(subset).toHaveLength(10);
    expect(subset.filter((item) => item.lang === "en")).toHaveLength(5);
    // Parallel pairs: the same item numbers in both languages.
    expect(subset.filter((item) => item.lang === "en").map((item) => item.i / 2)).toEqual(subset.filter((item) => item.lang === "id").map((item) => (item.i - 1) / 2));
  });
  it("splits an odd count by largest remainder", () => {
    const items = [...Array.from({ length: 30 }, () => "a"), ...Array.from({ length: 10 }, () => "b")];
    const subset = evenlySpacedSubset(items, 5, (item) => item);
    expect(subset.filter((item) => item === "a")).toHaveLength(4);
    expect(subset.filter((item) => item === "b")).toHaveLength(1);
  });
});
