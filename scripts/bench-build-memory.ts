/**
 * Peak memory of a full index build: `Engine.open` on a fresh data folder over the news articles (written once as
 * article files). By default with an instantaneous stand-in embedder, so the figure is the refresh's own memory —
 * scan, chunking, rendering, HNSW, BM25, write — in minutes instead of the real bench's 15–40; `--model` embeds
 * with the real model (a memory timeline of the real build, without the bench's cold starts and questions).
 * Not a test: the figures depend on the machine. Prints one JSON object on stdout, a timeline on stderr.
 *
 * Usage: npx tsx scripts/bench-build-memory.ts [--articles 24508] [--knowledge /tmp/tanya-news-knowledge]
 *        [--data <eval data folder>] [--sample-ms 50] [--timeline-s 5] [--model]
 * The first run only writes the news files into the knowledge folder (streamed from the news file) and exits; the
 * next runs reuse them, so the measured process has never held the news file.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { createLogger } from "../src/config/logger.js";
import { loadSettings } from "../src/config/settings.js";
import type { Embedder } from "../src/embedding/embedder.js";
import { TransformersEmbedder } from "../src/embedding/transformers-embedder.js";
import { Engine } from "../src/engine/engine.js";
import { seededRandom } from "../src/eval/bench.js";
import { writeNewsFiles } from "../src/eval/news-files.js";
import { resolveDataRoot } from "../src/eval/dataset.js";
import { InstrumentedEmbedder } from "../src/eval/instrumented-embedder.js";
import { MemorySampler, memoryNow } from "../src/eval/memory-sampler.js";
import { round4 } from "../src/eval/metrics.js";
import { positiveInt } from "../src/cli/arguments.js";

const DIMENSIONS = 384;

/** Deterministic unit vectors seeded by the text (FNV-1a), at no cost: what is left is the pipeline's own memory. */
class StandInEmbedder implements Embedder {
  readonly modelId = "stand-in-unit-vectors";
  readonly dimensions = DIMENSIONS;
  passages = 0;

  embed(texts: string[]): Float32Array[] {
    return texts.map((text) => {
      let hash = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      const random = seededRandom(hash);
      const vector = Float32Array.from({ length: DIMENSIONS }, () => random() - 0.5);
      const norm = Math.hypot(...vector);
      return vector.map((x) => x / norm);
    });
  }

  async embedQueries(texts: string[]): Promise<Float32Array[]> {
    return this.embed(texts);
  }

  async embedPassages(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const vectors = this.embed(texts);
    this.passages += texts.length;
    onBatch?.(texts.length);
    // Yield like a real embedder does between batches, so timers (the sampler) keep running.
    await new Promise((resolve) => setImmediate(resolve));
    return vectors;
  }

  async dispose(): Promise<void> {}
}

const options = new Command("bench-build-memory")
  .option("--articles <n>", "news articles to index", positiveInt, 24_508)
  .option("--knowledge <dir>", "folder for the news article files (written when it holds fewer)", path.join(os.tmpdir(), "tanya-news-knowledge"))
  .option("--data <dir>", "evaluation data folder holding news/articles.jsonl (default: <project root>/../shared/eval)")
  .option("--sample-ms <n>", "memory sampling interval", positiveInt, 50)
  .option("--timeline-s <n>", "seconds between timeline lines on stderr", positiveInt, 5)
  .option("--model", "embed with the real model (the product's embedder, passage worker included) instead of the stand-in")
  .parse()
  .opts<{ articles: number; knowledge: string; data?: string; sampleMs: number; timelineS: number; model?: boolean }>();

const newsFiles = (): number => readdirSync(options.knowledge).filter((name) => name.endsWith(".txt")).length;
mkdirSync(options.knowledge, { recursive: true });
if (newsFiles() < options.articles) {
  process.stderr.write(`writing ${options.articles} news files into ${options.knowledge} …\n`);
  const written = await writeNewsFiles(path.join(resolveDataRoot(options.data), "news", "articles.jsonl"), options.articles, options.knowledge);
  process.stderr.write(`${written} written; run the same command again to measure\n`);
  process.exit(0);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "tanya-build-memory-"));
const settings = loadSettings(process.env, { knowledgeDir: options.knowledge, dataDir });
const standIn = new StandInEmbedder();
const embedder = options.model ? new InstrumentedEmbedder(await TransformersEmbedder.create(settings)) : standIn;
let opened = false;
const passagesDone = (): number => (embedder instanceof InstrumentedEmbedder ? embedder.passagesEmbedded : standIn.passages);
const stage = (): string => (opened ? "open" : passagesDone() === 0 ? "scan" : `embedded ${passagesDone()}`);
const before = memoryNow();
const sampler = new MemorySampler({ stage, sampleMs: options.sampleMs, timelineSeconds: options.timelineS });
const started = performance.now();
try {
  const engine = await Engine.open({ settings, logger: createLogger(process.env.LOG_LEVEL ?? "warn"), embedder });
  opened = true;
  const seconds = (performance.now() - started) / 1000;
  const peakRss = sampler.stop();
  const report = engine.startupReport;
  const result = {
    articles: engine.current.articles.size,
    passages: engine.current.passagesByLabel.size,
    build_s: round4(seconds),
    peak_rss_mb: peakRss,
    peaks_mb: sampler.peaks,
    at_rss_peak: sampler.atRssPeak,
    before_mb: before,
    after_mb: memoryNow(),
    problems: report?.problems.length ?? 0,
    loadavg: round4(os.loadavg()[0]!),
    node: process.version,
  };
  await engine.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  sampler.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
