import type { Worker } from "node:worker_threads";
import { ArticleError } from "../article-error.js";
import type { DocumentFormat, ExtractContext, ExtractedDocument } from "./types.js";
import type { ExtractRequest, RecognizeReply, WorkerMessage } from "./worker-protocol.js";
import { startWorker } from "../../util/worker-thread.js";

/**
 * One long-lived extraction worker, serving one file at a time (a folder scan reads files one by one anyway).
 * Hand-written rather than a pool library: an extraction talks back mid-way (OCR requests, progress), which
 * piscina and tinypool model only as one message in, one result out. Referenced only while it works, so an idle
 * worker never keeps the process alive.
 */
let worker: Worker | undefined;
let queue: Promise<unknown> = Promise.resolve();

function sharedWorker(): Worker {
  if (!worker) {
    const started = startWorker(new URL("./worker.js", import.meta.url));
    started.once("exit", () => {
      if (worker === started) worker = undefined;
    });
    worker = started;
  }
  return worker;
}

function runExtraction(format: DocumentFormat, bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument> {
  const current = sharedWorker();
  return new Promise<ExtractedDocument>((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === "progress") ctx.onProgress?.(message.progress);
      else if (message.type === "recognize") {
        ctx.recognizePages!(bytes, message.pageNumbers, (done, total) => ctx.onProgress?.({ stage: "ocr", done, total })).then(
          (pages) => current.postMessage({ type: "recognized", pages: [...pages] } satisfies RecognizeReply),
          (error: unknown) => current.postMessage({ type: "recognizeFailed", message: (error as Error).message } satisfies RecognizeReply),
        );
      } else {
        finish();
        if (message.type === "done") resolve(message.document);
        else reject(message.articleError ? new ArticleError(message.message) : new Error(`${ctx.fileName}: ${message.message}`));
      }
    };
    const onError = (error: Error): void => {
      finish();
      reject(new Error(`${ctx.fileName}: the extraction worker failed (${error.message}).`));
    };
    const onExit = (code: number): void => {
      finish();
      reject(new Error(`${ctx.fileName}: the extraction worker stopped (exit code ${code}).`));
    };
    const finish = (): void => {
      current.off("message", onMessage).off("error", onError).off("exit", onExit);
      current.unref();
    };
    current.ref();
    current.on("message", onMessage).on("error", onError).on("exit", onExit);
    const request: ExtractRequest = { type: "extract", kind: format.kind, bytes, fileName: ctx.fileName, maxPages: ctx.maxPages, canRecognize: ctx.recognizePages !== undefined };
    current.postMessage(request);
  });
}

/** A document from a file's bytes; heavy formats (PDF, Word) are read off the main thread, one file at a time. */
export function extractDocument(format: DocumentFormat, bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument> {
  if (!format.heavy) return format.extract(bytes, ctx);
  const run = queue.then(() => runExtraction(format, bytes, ctx));
  queue = run.catch(() => {});
  return run;
}
