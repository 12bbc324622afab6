import path from "node:path";
import { env, pipeline, type FeatureExtractionPipeline } from "@huggingface/transformers";
import type { EmbeddingDtype } from "../config/settings.js";

/**
 * Texts per forward pass. One: a batch is padded to its longest text, and passages vary in length, so on this
 * CPU larger batches spent their time on padding (measured on news passages, 2 threads: 30 passages/s one at a
 * time against 23 in batches of 16), and the activations of a padded batch of 16 held ~270 MB more at peak.
 */
const BATCH_SIZE = 1;

/** Everything needed to build the same pipeline on any thread (plain data, so it crosses to a worker). */
export interface ModelSource {
  /** What Transformers.js is asked to load: a folder name under localRoot, or a hub id. */
  name: string;
  localRoot: string | undefined;
  dtype: EmbeddingDtype;
  intraOpNumThreads: number;
}

/** A Transformers.js feature-extraction pipeline on the CPU (ONNX Runtime). */
export async function loadExtractor(source: ModelSource): Promise<FeatureExtractionPipeline> {
  env.allowRemoteModels = source.localRoot === undefined;
  env.allowLocalModels = true;
  if (source.localRoot) env.localModelPath = source.localRoot + path.sep;
  return (await pipeline("feature-extraction", source.name, {
    dtype: source.dtype,
    device: "cpu",
    session_options: { intraOpNumThreads: source.intraOpNumThreads },
  })) as FeatureExtractionPipeline;
}

/** Mean-pooled, L2-normalised vectors, one batch at a time; `onBatch` receives each batch's vectors. */
export async function embedInBatches(extractor: FeatureExtractionPipeline, texts: string[], onBatch: (vectors: Float32Array[]) => void): Promise<void> {
  for (let i = 0; i < texts.length; i += BATCH_SIZE) {
    const output = await extractor(texts.slice(i, i + BATCH_SIZE), { pooling: "mean", normalize: true });
    const [rows, dims] = output.dims as [number, number];
    const data = output.data as Float32Array;
    const vectors: Float32Array[] = [];
    for (let row = 0; row < rows; row++) vectors.push(data.slice(row * dims, (row + 1) * dims));
    output.dispose?.();
    onBatch(vectors);
  }
}
