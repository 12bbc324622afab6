/**
 * Embedding throughput of the converted model, fp32 vs q8, through the same
 * Transformers.js pipeline the app uses. Not a unit test: timings depend on the machine.
 * Usage: npx tsx scripts/bench-embeddings.ts [--passages 64] [--batch 16] [--words 60] [--rounds 3]
 */
import { env, pipeline } from "@huggingface/transformers";
import { cpus } from "node:os";
import { convertBundledModel, DEFAULT_MODELS_DIR, MODEL_ID } from "../src/embedding/convert/index.js";

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
const texts = Array.from({ length: passages }, () =>
  Array.from({ length: words }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(" ") + ".",
);

await convertBundledModel();
env.allowRemoteModels = false;
env.localModelPath = DEFAULT_MODELS_DIR;

console.log(`${passages} passages × ${words} words, batch ${batch}, ${cpus().length} CPUs, best of ${rounds}`);
for (const dtype of ["fp32", "q8"] as const) {
  const extractor = await pipeline("feature-extraction", MODEL_ID, { dtype });
  await extractor(texts.slice(0, batch), { pooling: "mean", normalize: true }); // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < texts.length; i += batch) {
      await extractor(texts.slice(i, i + batch), { pooling: "mean", normalize: true });
    }
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  console.log(`${dtype.padEnd(4)}  ${(passages / best).toFixed(1)} passages/s  (${best.toFixed(2)} s per ${passages})`);
  await extractor.dispose();
}
