import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import { DEFAULT_EVAL_DATA } from "../../src/eval/dataset.js";

/**
 * End-to-end smoke test of `npm run eval` and `npm run bench` on small slices of the evaluation data.
 * The data lives outside the repository (../shared/eval, or EVAL_DATA); without it these tests are skipped.
 */
const run = promisify(execFile);
const dataRoot = process.env.EVAL_DATA ?? DEFAULT_EVAL_DATA;
const hasEvalData = existsSync(path.join(dataRoot, "belebele", "corpus.jsonl")) && existsSync(path.join(dataRoot, "news", "articles.jsonl"));

async function cli(script: string, args: string[]): Promise<unknown> {
  const { stdout } = await run("npx", ["tsx", script, "--data", dataRoot, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "warn" }, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 });
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

const between = (low: number, high: number) => expect.toSatisfy((value: unknown) => typeof value === "number" && value >= low && value <= high);

const METRICS = { n: between(1, 1000), "recall@1": between(0, 1), "recall@3": between(0, 1), "recall@10": between(0, 1), "mrr@10": between(0, 1), "ndcg@10": between(0, 1), found_rate: between(0, 1) };

describe.skipIf(!hasEvalData)(`evaluation and benchmark CLIs (needs evaluation data in ${dataRoot})`, () => {
  it("eval --json on 40 belebele questions: one object, all three configs, both languages, sane values", { timeout: 115_000 }, async () => {
    const result = (await cli("src/cli/eval.ts", ["--dataset", "belebele", "--limit", "40", "--json", "--fresh", "--quiet"])) as {
      dataset: string;
      questions: number;
      configs: Record<string, Record<string, Record<string, number>>>;
      answers: Record<string, Record<string, number | null>>;
      unanswerable?: unknown;
      skipped_corpus: { count: number };
    };
    expect(result.dataset).toBe("belebele");
    expect(result.questions).toBe(40);
    expect(Object.keys(result.configs).sort()).toEqual(["dense", "hybrid", "lexical"]);
    for (const config of Object.values(result.configs)) {
      expect(Object.keys(config).sort()).toEqual(["en", "id"]);
      for (const metrics of Object.values(config)) {
        expect(metrics).toEqual(METRICS);
        expect(metrics.n).toBe(20);
        expect(metrics["recall@1"]).toBeLessThanOrEqual(metrics["recall@3"]!);
        expect(metrics["recall@3"]).toBeLessThanOrEqual(metrics["recall@10"]!);
      }
    }
    // Indonesian questions over Indonesian passages: the shipped configuration must find most of them.
    expect(result.configs.hybrid!.id!["recall@10"]).toBeGreaterThanOrEqual(0.5);
    expect(result.skipped_corpus.count).toBe(0);
    // Answer-level figures through engine.ask; Belebele's answers are multiple-choice options, not quoted
    // text, so the three answer-string rates are null. It has no unanswerable questions.
    expect(Object.keys(result.answers).sort()).toEqual(["en", "id"]);
    for (const answers of Object.values(result.answers)) {
      expect(answers).toEqual({ n: 20, found_rate: between(0, 1), direct_rate: between(0, 1), highlight_has_answer: null, quotes_have_answer: null, top1_passage_has_answer: null });
      expect(answers.direct_rate).toBeLessThanOrEqual(answers.found_rate!);
    }
    expect(result.unanswerable).toBeUndefined();
  });

  it("eval --against-seed declines out-of-scope questions and still answers the seed sanity questions", { timeout: 115_000 }, async () => {
    const result = (await cli("src/cli/eval.ts", ["--dataset", "belebele", "--limit", "20", "--against-seed", "--json", "--quiet"])) as {
      against_seed: { all: { n: number; decline_rate: number } };
      seed_sanity: { n: number; found: number; expected_article_first: number };
    };
    expect(result.against_seed.all.n).toBe(20);
    expect(result.against_seed.all.decline_rate).toBeGreaterThanOrEqual(0.7);
    expect(result.seed_sanity.found).toBe(result.seed_sanity.n);
  });

  it("bench --json on 200 articles: the documented keys with plausible values", { timeout: 115_000 }, async () => {
    const result = (await cli("src/cli/bench.ts", ["--articles", "200", "--queries", "40", "--cold-runs", "1", "--json", "--quiet"])) as Record<string, unknown>;
    expect(result).toMatchObject({
      articles: between(150, 210),
      passages: between(200, 5000),
      ingest_passages_per_s: between(1, 10_000),
      build_s: between(0.1, 100),
      index_bytes: between(100_000, 500_000_000),
      peak_rss_mb: between(100, 8000),
      cold_start_s: between(0.2, 60),
      query_ms: { p50: between(0.1, 2000), p95: between(0.1, 5000), p99: between(0.1, 10_000) },
      unchanged_refresh_s: between(0, 30),
    });
    const query = result.query_ms as { p50: number; p95: number; p99: number };
    expect(query.p50).toBeLessThanOrEqual(query.p95);
    expect(query.p95).toBeLessThanOrEqual(query.p99);
    expect(Number.isInteger(result.articles) && Number.isInteger(result.passages) && Number.isInteger(result.index_bytes)).toBe(true);
  });
});
