/**
 * Embedding throughput of the converted model, fp32 vs q8, through the same
 * Transformers.js pipeline the app uses. Not a unit test: timings depend on the machine.
 * Usage: npx tsx scripts/bench-embeddings.ts [--passages 64] [--batch 16] [--words 60] [--rounds 3] [--news] [--dtype q8]
 * `--news`: passages of real, varied length instead (the title and 80-word windows of the first news articles in
 * ../shared/eval/news, as a refresh embeds them), and the peak RSS of each run: with texts of different lengths
 * the batch size decides how much of a batch is padding. `--dtype` runs one of fp32 and q8 (one process each for the RSS).
 */
import { env, pipeline } from "@huggingface/transformers";
import { cpus } from "node:os";
import path from "node:path";
import { convertBundledModel, DEFAULT_MODELS_DIR, MODEL_ID } from "../src/embedding/convert/index.js";
import { DEFAULT_EVAL_DATA, jsonLines, type NewsArticle } from "../src/eval/dataset.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const passages = arg("passages", 64);
const batch = arg("batch", 16);
const words = arg("words", 60);
const rounds = arg("rounds", 3);

// Deterministic pseudo-passages mixing the bot's two languages, so runs are comparable.
const vocabulary = (
  "pemerintah kabupaten layanan publik digital warga desa aplikasi data kependudukan pejabat studi banding " +
  "program anggaran pelayanan surat izin usaha kantor kecamatan internet sistem informasi transparansi " +
  "government service citizens online portal identity card register business tax record department " +
  "training feedback adoption infrastructure security privacy access office website form payment 2017 2023"
).split(" ");
let seed = 42;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const synthetic = (): string[] =>
  Array.from({ length: passages }, () => Array.from({ length: words }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(" ") + ".");

/** Title + 80-word windows (70 apart) of news articles, until `passages` are collected. */
async function newsPassages(): Promise<string[]> {
  const texts: string[] = [];
  for await (const article of jsonLines<NewsArticle>(path.join(DEFAULT_EVAL_DATA, "news", "articles.jsonl"), Number.MAX_SAFE_INTEGER)) {
    const articleWords = article.text.split(/\s+/);
    for (let i = 0; i + 70 < articleWords.length && texts.length < passages; i += 70) texts.push(`${article.title ?? ""}. ${articleWords.slice(i, i + 80).join(" ")}`);
    if (texts.length >= passages) break;
  }
  return texts;
}

const texts = process.argv.includes("--news") ? await newsPassages() : synthetic();

await convertBundledModel();
env.allowRemoteModels = false;
env.localModelPath = DEFAULT_MODELS_DIR;

const kind = process.argv.includes("--news") ? "news passages of varied length" : `passages × ${words} words`;
console.log(`${texts.length} ${kind}, batch ${batch}, ${cpus().length} CPUs, best of ${rounds}`);
const only = process.argv.indexOf("--dtype");
for (const dtype of only >= 0 ? [process.argv[only + 1] as "fp32" | "q8"] : (["fp32", "q8"] as const)) {
  const extractor = await pipeline("feature-extraction", MODEL_ID, { dtype });
  await extractor(texts.slice(0, batch), { pooling: "mean", normalize: true }); // warm-up
  let best = Infinity;
  let peakRss = process.memoryUsage().rss;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < texts.length; i += batch) {
      const output = await extractor(texts.slice(i, i + batch), { pooling: "mean", normalize: true });
      output.dispose?.();
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  console.log(`${dtype.padEnd(4)}  ${(texts.length / best).toFixed(1)} passages/s  (${best.toFixed(2)} s per ${texts.length}), peak RSS ${(peakRss / 1048576).toFixed(0)} MB`);
  await extractor.dispose();
}
