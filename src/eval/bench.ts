import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../config/settings.js";
import type { Article } from "../knowledge/article.js";
import { scanKnowledge } from "../knowledge/folder.js";
import { stopwords as indonesianStopwords } from "@orama/stopwords/indonesian";
import { splitSentences } from "../passages/sentences.js";
import type { Language } from "../retrieval/language.js";
import { codeVersion, type CodeVersion } from "./code-version.js";
import { writeNewsFilesInChild } from "./news-files.js";
import { copySeedKnowledge, currentGenerationDir, folderBytes, openEngineOn } from "./engine-setup.js";
import { percentile, round4 } from "./metrics.js";
import { MemorySampler } from "./memory-sampler.js";
import type { Progress } from "./progress.js";

export interface BenchOptions {
  dataRoot: string;
  articles: number;
  /** Questions timed with engine.ask (after a few untimed warm-up questions). */
  queries?: number;
  /** Cold-start child processes; the median is reported. */
  coldRuns?: number;
  progress: Progress;
  /** Keep the temporary knowledge and data folders (their path is in the result). */
  keep?: boolean;
}

export interface BenchResult {
  articles: number;
  passages: number;
  ingest_passages_per_s: number;
  build_s: number;
  index_bytes: number;
  peak_rss_mb: number;
  cold_start_s: number;
  query_ms: { p50: number; p95: number; p99: number };
  unchanged_refresh_s: number;
  // Extras.
  news_articles_read: number;
  rejected_articles: number;
  seed_articles: number;
  ingest_articles_per_s: number;
  breakdown_s: { parse: number; embed: number; index_and_write: number; model_load: number };
  cold_start_runs_s: number[];
  /** RSS of the cold-start child after its first answer: what a serving bot holds (the peak above includes the ingest). */
  serving_rss_mb: number;
  /** Inside the child, ms from its own process start: modules imported, engine ready (model + index loaded), first answer. */
  cold_start_child_ms: { imported: number; ready: number; first_answer: number };
  queries: number;
  queries_by_lang: Record<Language, number>;
  query_ms_mean: number;
  found_rate: number;
  /** `loadavg` is the 1-minute load average at the start and end of the run: above ~0.5 other work shared the CPUs. */
  machine: { cpus: number; cpu_model: string; memory_gb: number; node: string; platform: string; loadavg: { start: number; end: number } };
  code: CodeVersion;
  data_dir?: string;
  seconds: number;
}

const WARM_UP_QUESTIONS = 5;

/** A small deterministic PRNG (mulberry32), so the generated questions are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_TEMPLATES = [(f: string) => `Apa yang dimaksud dengan ${f}?`, (f: string) => `Siapa yang ${f}?`, (f: string) => `Kapan ${f}?`, (f: string) => `Mengapa ${f}?`, (f: string) => `Bagaimana ${f}?`, (f: string) => `${f}?`];
const EN_ONE_NAME = [(a: string) => `What happened to ${a}?`, (a: string) => `Who is ${a}?`, (a: string) => `What is the news about ${a}?`, (a: string) => `When did ${a} make the news?`];
const EN_TWO_NAMES = [(a: string, b: string) => `What did ${a} say about ${b}?`, (a: string, b: string) => `Where did ${a} meet ${b}?`, (a: string, b: string) => `What is the relationship between ${a} and ${b}?`];
const STOPWORDS = new Set(indonesianStopwords);
/** Capitalised tokens that are not names: currency, street and company abbreviations, datelines. */
const NOT_NAMES = new Set(["Rp", "Jl", "Jln", "Pt", "Tbk", "Cv", "Com", "Kompas", "Kamis", "Jumat", "Sabtu", "Minggu", "Senin", "Selasa", "Rabu"]);

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
}

function properNames(sentence: string): string[] {
  // Runs of capitalised words that do not start the sentence: names of people, places, institutions.
  const names: string[] = [];
  const tokens = words(sentence).map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""));
  let run: string[] = [];
  tokens.forEach((token, i) => {
    if (i > 0 && /^\p{Lu}\p{Ll}{2,}$/u.test(token) && !NOT_NAMES.has(token)) run.push(token);
    else {
      if (run.length > 0) names.push(run.join(" "));
      run = [];
    }
  });
  if (run.length > 0) names.push(run.join(" "));
  return [...new Set(names)];
}

/**
 * Benchmark questions generated from the ingested articles themselves (never from evaluation question
 * files): Indonesian ones from title and sentence fragments, about a third English ones built around
 * proper names found in the text. Deterministic for a given article list.
 */
export function generateQuestions(articles: readonly Article[], count: number, seed = 20240601): Array<{ question: string; lang: Language }> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const questions: Array<{ question: string; lang: Language }> = [];
  if (articles.length === 0) return questions;
  for (let attempt = 0; questions.length < count && attempt < count * 20; attempt++) {
    const article = articles[Math.floor(random() * articles.length)]!;
    const sentences = splitSentences(article.text)
      .map((span) => article.text.slice(span.start, span.end))
      .filter((sentence) => words(sentence).length >= 8);
    if (sentences.length === 0) continue;
    const sentence = pick(sentences);
    if (random() < 0.33) {
      const names = properNames(sentence);
      if (names.length === 0) continue;
      const name = pick(names);
      const others = [...names, ...properNames(pick(sentences))].filter((other) => other !== name && !other.includes(name) && !name.includes(other));
      const question = others.length > 0 && random() < 0.5 ? pick(EN_TWO_NAMES)(name, pick(others)) : pick(EN_ONE_NAME)(name);
      questions.push({ question, lang: "en" });
      continue;
    }
    if (article.title && random() < 0.25) {
      questions.push({ question: pick([(t: string) => `Apa berita tentang ${t}?`, (t: string) => `${t}?`])(article.title.replace(/[?!.]+$/, "")), lang: "id" });
      continue;
    }
    const tokens = words(sentence);
    const length = 4 + Math.floor(random() * 4);
    const start = Math.floor(random() * Math.max(1, tokens.length - length));
    const slice = tokens.slice(start, start + length);
    // No function words at the edges ("dan menempatkan …", "… keamanan anak dari").
    const bare = (token: string) => token.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    while (slice.length > 2 && STOPWORDS.has(bare(slice[0]!))) slice.shift();
    while (slice.length > 2 && STOPWORDS.has(bare(slice[slice.length - 1]!))) slice.pop();
    const fragment = slice.join(" ").replace(/[.,;:!?"“”']+$/u, "").replace(/^["“'(]+/u, "");
    const lowered = /^\p{Lu}\p{Ll}/u.test(fragment) ? fragment.charAt(0).toLowerCase() + fragment.slice(1) : fragment;
    questions.push({ question: pick(ID_TEMPLATES)(lowered), lang: "id" });
  }
  return questions;
}

interface ColdStartRun {
  seconds: number;
  childImportedMs: number;
  childReadyMs: number;
  childAnswerMs: number;
  childRssMb: number;
}

/** Compiles src/ to dist/ (`npm run build`, as `npm start` does first), so cold starts time the compiled bot. */
function buildDist(): void {
  try {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    throw new Error(`npm run build failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim().slice(-500)}`);
  }
}

/** Spawns `node dist/eval/cold-start.js` (the way `npm start` runs the bot) and times process start → "ready" line. */
function coldStart(dataDir: string, knowledgeDir: string): Promise<ColdStartRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let readyAt: number | undefined;
    let childImportedMs = Number.NaN;
    let childReadyMs = Number.NaN;
    let childAnswerMs = Number.NaN;
    let childRssMb = Number.NaN;
    let stdout = "";
    let stderr = "";
    const child = spawn(process.execPath, ["--enable-source-maps", path.join("dist", "eval", "cold-start.js"), dataDir, knowledgeDir], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const ready = /^ready ([\d.]+)$/m.exec(stdout);
      if (ready && readyAt === undefined) {
        readyAt = performance.now();
        childReadyMs = Number(ready[1]);
      }
      const imported = /^imported ([\d.]+)$/m.exec(stdout);
      if (imported) childImportedMs = Number(imported[1]);
      const answered = /^answered ([\d.]+)$/m.exec(stdout);
      if (answered) childAnswerMs = Number(answered[1]);
      const rss = /^rss ([\d.]+)$/m.exec(stdout);
      if (rss) childRssMb = Number(rss[1]);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 || readyAt === undefined) reject(new Error(`cold-start child exited with ${code}: ${stderr.trim().slice(-500)}`));
      else resolve({ seconds: (readyAt - started) / 1000, childImportedMs, childReadyMs, childAnswerMs, childRssMb });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Scale benchmark: ingests the first N news articles plus the seed knowledge base into a fresh data
 * folder through the product's engine, then measures the index, cold start, query latency and an
 * unchanged refresh.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const memory = new MemorySampler();
  const newsFile = path.join(options.dataRoot, "news", "articles.jsonl");
  const workspace = copySeedKnowledge();
  const seedCount = (await scanKnowledge(workspace.knowledgeDir)).articles.length;
  try {
    // The articles go through the product's own path: files in the knowledge folder, scanned, parsed and
    // cleaned like an admin's files, so the unchanged refresh below is the real one (a stat per file).
    const newsCount = await writeNewsFilesInChild(newsFile, options.articles, workspace.knowledgeDir);
    options.progress.note(`bench: ${newsCount} news articles + ${seedCount} seed articles as files in ${workspace.knowledgeDir} → ${workspace.dataDir}`);
    const opened = await openEngineOn({ dataDir: workspace.dataDir, knowledgeDir: workspace.knowledgeDir, progress: options.progress });
    const { engine, embedder, report } = opened;
    try {
      if (!opened.built) throw new Error(`expected a fresh build in ${workspace.dataDir}`);
      const buildSeconds = opened.seconds - opened.modelSeconds;
      const parse = buildSeconds - report.seconds;
      const passages = engine.current.passagesByLabel.size;
      const articleCount = engine.current.articles.size;
      const accepted = [...engine.current.articles.values()];
      const rejected = report.problems;
      const indexBytes = folderBytes(currentGenerationDir(workspace.dataDir));

      const coldRuns: ColdStartRun[] = [];
      const runs = options.coldRuns ?? 3;
      buildDist();
      options.progress.start("cold starts", runs);
      for (let i = 0; i < runs; i++) {
        coldRuns.push(await coldStart(workspace.dataDir, workspace.knowledgeDir));
        options.progress.update(i + 1);
      }
      options.progress.stop();

      const questions = generateQuestions(accepted, (options.queries ?? 200) + WARM_UP_QUESTIONS);
      for (const { question } of questions.slice(0, WARM_UP_QUESTIONS)) await engine.ask(question);
      const timed = questions.slice(WARM_UP_QUESTIONS);
      const latencies: number[] = [];
      let foundCount = 0;
      options.progress.start("timing questions", timed.length);
      for (const [i, { question }] of timed.entries()) {
        const t0 = performance.now();
        const answer = await engine.ask(question);
        latencies.push(performance.now() - t0);
        if (answer.found) foundCount++;
        options.progress.update(i + 1);
      }
      options.progress.stop();

      const refreshStarted = performance.now();
      const unchanged = await engine.refresh();
      const refreshSeconds = (performance.now() - refreshStarted) / 1000;
      if (unchanged.passagesEmbedded !== 0 || unchanged.unchanged !== articleCount) throw new Error(`the unchanged refresh embedded ${unchanged.passagesEmbedded} passages and kept ${unchanged.unchanged} of ${articleCount} articles`);

      const peakMb = memory.stop();
      const byLang = { id: timed.filter((q) => q.lang === "id").length, en: timed.filter((q) => q.lang === "en").length };
      const result: BenchResult = {
        articles: articleCount,
        passages,
        ingest_passages_per_s: round4(passages / buildSeconds),
        build_s: round4(buildSeconds),
        index_bytes: indexBytes,
        peak_rss_mb: peakMb,
        cold_start_s: round4(median(coldRuns.map((run) => run.seconds))),
        query_ms: { p50: round4(percentile(latencies, 50)), p95: round4(percentile(latencies, 95)), p99: round4(percentile(latencies, 99)) },
        unchanged_refresh_s: round4(refreshSeconds),
        news_articles_read: newsCount,
        rejected_articles: rejected.length,
        seed_articles: seedCount,
        ingest_articles_per_s: round4(articleCount / buildSeconds),
        breakdown_s: { parse: round4(parse), embed: round4(embedder.passageSeconds), index_and_write: round4(report.seconds - embedder.passageSeconds), model_load: round4(opened.modelSeconds) },
        cold_start_runs_s: coldRuns.map((run) => round4(run.seconds)),
        serving_rss_mb: round4(median(coldRuns.map((run) => run.childRssMb))),
        cold_start_child_ms: { imported: round4(median(coldRuns.map((run) => run.childImportedMs))), ready: round4(median(coldRuns.map((run) => run.childReadyMs))), first_answer: round4(median(coldRuns.map((run) => run.childAnswerMs))) },
        queries: timed.length,
        queries_by_lang: byLang,
        query_ms_mean: round4(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
        found_rate: round4(foundCount / Math.max(1, timed.length)),
        machine: { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model.trim() ?? "unknown", memory_gb: round4(os.totalmem() / 1024 ** 3), node: process.version, platform: `${os.platform()} ${os.release()}`, loadavg: { start: round4(loadAtStart), end: round4(os.loadavg()[0]!) } },
        code: codeVersion(),
        seconds: 0,
      };
      if (options.keep) result.data_dir = workspace.dataDir;
      result.seconds = round4((performance.now() - started) / 1000);
      return result;
    } finally {
      await engine.close();
    }
  } finally {
    memory.stop();
    if (!options.keep) rmSync(workspace.root, { recursive: true, force: true });
  }
}
