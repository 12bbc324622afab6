/**
 * Worker-thread entry: embeds passages with its own ONNX session, because ONNX Runtime runs a forward pass
 * synchronously on the calling thread — on the main thread a refresh would stall every question for the length
 * of each batch. Builds its pipeline from the same model source as the main thread's, on the first request.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import { embedInBatches, loadExtractor, type ModelSource } from "./feature-extractor.js";
import type { EmbedRequest, PassageWorkerMessage } from "./passage-worker-protocol.js";

const port = parentPort!;
let extractor: Promise<FeatureExtractionPipeline> | undefined;

async function embed(request: EmbedRequest): Promise<void> {
  extractor ??= loadExtractor(workerData as ModelSource);
  await embedInBatches(await extractor, request.texts, (vectors) => {
    port.postMessage({ type: "batch", vectors } satisfies PassageWorkerMessage, vectors.map((vector) => vector.buffer as ArrayBuffer));
  });
  port.postMessage({ type: "done" } satisfies PassageWorkerMessage);
}

port.on("message", (request: EmbedRequest) => {
  embed(request).catch((error: unknown) => port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) } satisfies PassageWorkerMessage));
});
