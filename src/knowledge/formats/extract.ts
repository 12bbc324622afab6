import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ArticleError } from "../article-error.js";
import type { DocumentFormat, ExtractContext, ExtractedDocument } from "./types.js";
import type { ExtractRequest, RecognizeReply, WorkerMessage } from "./worker-protocol.js";

/**
 * Starts the worker entry next to this module: worker.js in the esbuild output (`npm start`); worker.ts when
 * the sources run through tsx or vitest, after registering tsx's loader inside the worker (a worker's
 * `--import` flag does not load hooks on Node 20).
 */
function startWorker(workerData: ExtractRequest): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), { workerData });
  const tsx = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const entry = fileURLToPath(new URL("./worker.ts", import.meta.url));
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, { eval: true, workerData });
}

/** Runs a heavy format's extraction in a worker thread; OCR requests and progress come back as messages. */
function extractInWorker(format: DocumentFormat, bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument> {
  const worker = startWorker({ kind: format.kind, bytes, fileName: ctx.fileName, maxPages: ctx.maxPages, canRecognize: ctx.recognizePages !== undefined });
  return new Promise<ExtractedDocument>((resolve, reject) => {
    worker.on("message", (message: WorkerMessage) => {
      switch (message.type) {
        case "progress":
          ctx.onProgress?.(message.progress);
          break;
        case "recognize":
          ctx.recognizePages!(bytes, message.pageNumbers, (done, total) => ctx.onProgress?.({ stage: "ocr", done, total })).then(
            (pages) => worker.postMessage({ type: "recognized", pages: [...pages] } satisfies RecognizeReply),
            (error: unknown) => worker.postMessage({ type: "recognizeFailed", message: (error as Error).message } satisfies RecognizeReply),
          );
          break;
        case "done":
          resolve(message.document);
          break;
        case "failed":
          reject(message.articleError ? new ArticleError(message.message) : new Error(`${ctx.fileName}: ${message.message}`));
          break;
        default:
          break;
      }
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`${ctx.fileName}: the extraction worker stopped (exit code ${code}).`)));
  }).finally(() => void worker.terminate());
}

/** A document from a file's bytes; heavy formats (PDF, Word) are read off the main thread. */
export function extractDocument(format: DocumentFormat, bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument> {
  return format.heavy ? extractInWorker(format, bytes, ctx) : format.extract(bytes, ctx);
}
