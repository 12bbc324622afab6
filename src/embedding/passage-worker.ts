/**
 * Worker-thread entry: embeds passages with its own ONNX session, because ONNX Runtime runs a forward pass
 * synchronously on the calling thread — on the main thread a refresh would stall every question for the length
 * of each batch. Builds its pipeline from the same model source as the main thread's, on the first request.
 */
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import { embedInBatches, loadExtractor, type ModelSource } from "./feature-extractor.js";
import type { EmbedRequest, PassageWorkerMessage, StopRequest } from "./passage-worker-protocol.js";

/** How much lower than the bot's own threads this worker runs: refreshes use the idle CPU, questions go first. */
const NICENESS_ABOVE_MAIN = 10;

/**
 * Lowers this thread's scheduling priority before the model loads, so ONNX Runtime's pool threads (created by
 * this thread) inherit it; on Linux a priority is per thread, so the main thread keeps its own. Best effort:
 * where the platform refuses, the worker runs at normal priority.
 */
function yieldCpuToQuestions(): void {
  try {
    os.setPriority(Math.min(19, os.getPriority() + NICENESS_ABOVE_MAIN));
  } catch {
    // not permitted here; embedding still works, only without the priority
  }
}

const port = parentPort!;
let extractor: Promise<FeatureExtractionPipeline> | undefined;
let working = false;
let stopping = false;

class Stopped extends Error {}

async function embed(request: EmbedRequest): Promise<void> {
  if (!extractor) {
    yieldCpuToQuestions();
    extractor = loadExtractor(workerData as ModelSource);
  }
  await embedInBatches(await extractor, request.texts, (vectors) => {
    port.postMessage({ type: "batch", vectors } satisfies PassageWorkerMessage, vectors.map((vector) => vector.buffer as ArrayBuffer));
    // Between two forward passes is the one safe place to stop: ending the thread inside ONNX Runtime's
    // synchronous run aborts the whole process.
    if (stopping) throw new Stopped();
  });
  port.postMessage({ type: "done" } satisfies PassageWorkerMessage);
}

/** Releases the ONNX session, then ends this thread (exit code 0). */
async function shutdown(): Promise<never> {
  const loaded = await extractor?.catch(() => undefined);
  await loaded?.dispose().catch(() => undefined);
  process.exit(0);
}

port.on("message", (message: EmbedRequest | StopRequest) => {
  if (message.type === "stop") {
    stopping = true;
    if (!working) void shutdown();
    return;
  }
  working = true;
  embed(message)
    .catch((error: unknown) => {
      if (!(error instanceof Stopped)) port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) } satisfies PassageWorkerMessage);
    })
    .finally(() => {
      working = false;
      if (stopping) void shutdown();
    });
});
