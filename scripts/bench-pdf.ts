/**
 * PDF benchmark (not a test): a generated text PDF of N pages (default 300) dropped into an empty knowledge
 * folder, then
 *   - extraction alone (worker thread): pages/s, and question latency on the main thread meanwhile;
 *   - the whole refresh (extract, split, embed, index, write): seconds and pages/s;
 *   - question latency on the main thread while that refresh runs, against idle (p50/p95).
 *
 *   npx tsx scripts/bench-pdf.ts [--pages 300] [--questions 40]     (npm run bench:pdf)
 *
 * Prints one JSON object.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createLogger } from "../src/config/logger.js";
import { loadSettings } from "../src/config/settings.js";
import { Engine } from "../src/engine/engine.js";
import { readArticle } from "../src/knowledge/parse.js";
import { buildPdf, longRegulationSpec } from "../test/helpers/documents.js";

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
const QUESTIONS = ["Siapa yang melaksanakan penyelenggaraan manajemen data?", "Apa yang diperhatikan dalam penyelenggaraan keamanan informasi?", "Who carries out the security of information?", "Kapan evaluasi dilakukan?"];

async function askTimes(engine: Engine, count: number, until?: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let running = true;
  const stop = () => (running = false);
  until?.then(stop, stop);
  for (let i = 0; i < count && running; i++) {
    const started = performance.now();
    await engine.ask(QUESTIONS[i % QUESTIONS.length]!);
    times.push(performance.now() - started);
    // Questions arrive spaced out, as from people; the gap lets the refresh make progress between them.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return times.sort((a, b) => a - b);
}

const pages = argument("pages", 300);
const questions = argument("questions", 40);
const root = mkdtempSync(path.join(os.tmpdir(), "tanya-bench-pdf-"));
try {
  const knowledgeDir = path.join(root, "knowledge");
  mkdirSync(path.join(knowledgeDir, "regulasi"), { recursive: true });
  writeFileSync(path.join(knowledgeDir, "pengantar.txt"), "Pengantar\n\nBasis pengetahuan ini memuat peraturan tentang sistem pemerintahan berbasis elektronik. Pertanyaan dijawab dengan kutipan dari peraturan.");
  const settings = loadSettings({ ...process.env, LOG_LEVEL: "silent" }, { knowledgeDir, dataDir: path.join(root, "data") });
  const pdf = await buildPdf(longRegulationSpec(pages));

  const engine = await Engine.open({ settings, logger: createLogger("silent") });
  const idle = await askTimes(engine, questions);
  let started = performance.now();
  const extraction = readArticle("regulasi/bench.pdf", pdf, { maxPages: settings.maxPdfPages });
  const duringExtraction = await askTimes(engine, questions, extraction);
  const article = await extraction;
  const extractSeconds = (performance.now() - started) / 1000;

  writeFileSync(path.join(knowledgeDir, "regulasi", "bench.pdf"), pdf);
  started = performance.now();
  const refresh = engine.refresh();
  const busy = await askTimes(engine, questions, refresh);
  const report = await refresh;
  const refreshSeconds = (performance.now() - started) / 1000;
  await engine.close();

  const summary = (times: number[]) => ({ count: times.length, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) });
  const result = {
    pages,
    pdfMB: round(pdf.length / 1048576, 2),
    words: article.text.split(/\s+/).length,
    extraction: { seconds: round(extractSeconds, 2), pagesPerSecond: round(pages / extractSeconds) },
    refresh: { seconds: round(refreshSeconds, 2), pagesPerSecond: round(pages / refreshSeconds), passagesEmbedded: report.passagesEmbedded, problems: report.problems.length },
    questionsIdle: summary(idle),
    questionsDuringExtraction: summary(duringExtraction),
    questionsDuringRefresh: summary(busy),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
