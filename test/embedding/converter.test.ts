/**
 * The converted model against an independent numpy reference
 * (scripts/reference-embeddings.py → test/fixtures/minilm-reference.json),
 * loaded exactly the way the app loads it: Transformers.js, offline, local folder.
 */
import { mkdtemp, readFile, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, mean_pooling, pipeline, Tensor, type FeatureExtractionPipeline } from "@huggingface/transformers";
import { convertBundledModel, MODEL_ID, type ConvertResult } from "../../src/embedding/convert/index.js";

interface ReferenceCase {
  text: string;
  untruncatedLength: number;
  inputIds: number[];
  embedding: number[];
}
interface Reference {
  maxSeqLength: number;
  cases: ReferenceCase[];
}

const reference = JSON.parse(
  await readFile(new URL("../fixtures/minilm-reference.json", import.meta.url), "utf8"),
) as Reference;
const withinLimit = reference.cases.filter((c) => c.untruncatedLength <= reference.maxSeqLength);
const overLimit = reference.cases.filter((c) => c.untruncatedLength > reference.maxSeqLength);

const ONNX_FILES = ["onnx/model.onnx", "onnx/model_quantized.onnx"];

let root: string;
let outDir: string;
let first: ConvertResult;
const extractors = new Map<string, FeatureExtractionPipeline>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "minilm-convert-"));
  outDir = join(root, "models", MODEL_ID);
  first = await convertBundledModel({ outDir });
  env.allowRemoteModels = false;
  env.localModelPath = join(root, "models");
  for (const dtype of ["fp32", "q8"] as const) {
    extractors.set(dtype, await pipeline("feature-extraction", MODEL_ID, { dtype }));
  }
});

afterAll(async () => {
  for (const extractor of extractors.values()) await extractor.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

function extractor(dtype: "fp32" | "q8"): FeatureExtractionPipeline {
  const e = extractors.get(dtype);
  if (!e) throw new Error(`pipeline ${dtype} not loaded`);
  return e;
}

function rows(tensor: Tensor): number[][] {
  return tensor.tolist() as number[][];
}

/** Texts through the full pipeline (tokenizer + model + pooling), batched, so padding and the mask matter. */
async function embedTexts(dtype: "fp32" | "q8", texts: string[]): Promise<number[][]> {
  return rows(await extractor(dtype)(texts, { pooling: "mean", normalize: true }));
}

/**
 * Reference token ids straight into the model, bypassing the tokenizer, so the
 * graph is checked on every case, including the ones the tokenizer truncates differently.
 */
async function embedIds(dtype: "fp32" | "q8", idLists: number[][]): Promise<number[][]> {
  const width = Math.max(...idLists.map((ids) => ids.length));
  const ids = new BigInt64Array(idLists.length * width);
  const mask = new BigInt64Array(idLists.length * width);
  idLists.forEach((list, row) =>
    list.forEach((id, col) => {
      ids[row * width + col] = BigInt(id);
      mask[row * width + col] = 1n;
    }),
  );
  const dims = [idLists.length, width];
  const attention_mask = new Tensor("int64", mask, dims);
  const model = extractor(dtype).model as unknown as (inputs: Record<string, Tensor>) => Promise<{ last_hidden_state: Tensor }>;
  const { last_hidden_state } = await model({
    input_ids: new Tensor("int64", ids, dims),
    attention_mask,
    token_type_ids: new Tensor("int64", new BigInt64Array(ids.length), dims),
  });
  return rows(mean_pooling(last_hidden_state, attention_mask).normalize(2, -1));
}

function maxAbsDiff(actual: number[][], expected: number[][]): number {
  let max = 0;
  expected.forEach((row, i) =>
    row.forEach((v, j) => {
      const diff = Math.abs((actual[i]?.[j] ?? NaN) - v);
      max = Number.isNaN(diff) ? Infinity : Math.max(max, diff); // a missing value must fail, not vanish
    }),
  );
  return max;
}

function minCosine(actual: number[][], expected: number[][]): number {
  return Math.min(
    ...expected.map((row, i) => {
      const a = actual[i] ?? [];
      const dot = row.reduce((sum, v, j) => sum + v * (a[j] ?? NaN), 0);
      const norm = Math.hypot(...a) * Math.hypot(...row);
      return dot / norm;
    }),
  );
}

function tokenIds(text: string): number[] {
  const { input_ids } = extractor("fp32").tokenizer(text, { truncation: true }) as { input_ids: Tensor };
  return Array.from(input_ids.data as BigInt64Array, Number);
}

describe("bundled all-MiniLM-L6-v2 → Transformers.js conversion", () => {
  it("produces a fresh conversion in a new folder", () => {
    expect(first).toMatchObject({ outDir, converted: true });
  });

  it("fixture covers short, long and over-long texts", () => {
    expect(withinLimit.length).toBeGreaterThanOrEqual(5);
    expect(withinLimit.some((c) => c.untruncatedLength > 128)).toBe(true); // would break under tokenizer.json's 128 limit
    expect(overLimit.length).toBeGreaterThanOrEqual(1);
  });

  it("tokenizes exactly like the reference WordPiece implementation", () => {
    for (const c of withinLimit) expect(tokenIds(c.text), c.text).toEqual(c.inputIds);
  });

  it("truncates over-long texts at 256 tokens", () => {
    for (const c of overLimit) {
      const ids = tokenIds(c.text);
      expect(ids).toHaveLength(reference.maxSeqLength);
      // Only the first 255 are compared: Transformers.js cuts after adding special
      // tokens, so its last token is a word piece where sentence-transformers keeps [SEP].
      expect(ids.slice(0, -1)).toEqual(c.inputIds.slice(0, -1));
    }
  });

  it("fp32 graph reproduces the reference embeddings", async () => {
    const graphDiff = maxAbsDiff(await embedIds("fp32", reference.cases.map((c) => c.inputIds)), reference.cases.map((c) => c.embedding));
    const pipelineDiff = maxAbsDiff(await embedTexts("fp32", withinLimit.map((c) => c.text)), withinLimit.map((c) => c.embedding));
    console.log(`fp32 max |Δ| vs reference: graph ${graphDiff.toExponential(2)}, pipeline ${pipelineDiff.toExponential(2)}`);
    expect(graphDiff).toBeLessThanOrEqual(1e-4);
    expect(pipelineDiff).toBeLessThanOrEqual(1e-4);
  });

  it("q8 graph stays close to the reference embeddings", async () => {
    const graphCos = minCosine(await embedIds("q8", reference.cases.map((c) => c.inputIds)), reference.cases.map((c) => c.embedding));
    const pipelineCos = minCosine(await embedTexts("q8", withinLimit.map((c) => c.text)), withinLimit.map((c) => c.embedding));
    console.log(`q8 min cosine vs reference: graph ${graphCos.toFixed(5)}, pipeline ${pipelineCos.toFixed(5)}`);
    expect(graphCos).toBeGreaterThanOrEqual(0.98);
    expect(pipelineCos).toBeGreaterThanOrEqual(0.98);
  });

  it("q8 graph keeps the word table in fp16, as shipped, so it stays small and loads fast", async () => {
    // 11.7M word weights: 23 MB in fp16; widened to fp32 the file would be ~58 MB. (Accuracy: the test above.)
    expect((await stat(join(outDir, "onnx/model_quantized.onnx"))).size).toBeLessThan(40_000_000);
  });

  it("is deterministic: a forced re-conversion writes byte-identical graphs", async () => {
    const second = await convertBundledModel({ outDir: join(root, "again", MODEL_ID), force: true });
    expect(second.converted).toBe(true);
    for (const file of ONNX_FILES) {
      const [a, b] = await Promise.all([readFile(join(outDir, file)), readFile(join(second.outDir, file))]);
      expect(a.byteLength, file).toBeGreaterThan(1_000_000);
      expect(a.equals(b), `${file} differs between conversions`).toBe(true);
    }
  });

  it("skips conversion when the folder is up to date, and redoes it when a file is damaged", async () => {
    const before = (await stat(join(outDir, "onnx/model.onnx"))).mtimeMs;
    const again = await convertBundledModel({ outDir });
    expect(again.converted).toBe(false);
    expect((await stat(join(outDir, "onnx/model.onnx"))).mtimeMs).toBe(before);

    await truncate(join(outDir, "onnx/model_quantized.onnx"), 1000);
    expect((await convertBundledModel({ outDir })).converted).toBe(true);
    expect((await stat(join(outDir, "onnx/model_quantized.onnx"))).size).toBeGreaterThan(1_000_000);
  });
});
