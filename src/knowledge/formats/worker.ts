/**
 * Worker-thread entry: extracts documents one at a time so parsing a 300-page PDF never blocks the bot's event
 * loop. The worker stays up between files (loading pdf.js once), serving requests as they come.
 */
import { parentPort } from "node:worker_threads";
import { ArticleError } from "../article-error.js";
import { FORMATS } from "./index.js";
import type { PageRecognizer } from "./types.js";
import type { ExtractRequest, RecognizeReply, WorkerMessage } from "./worker-protocol.js";

const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);
let pendingRecognition: ((reply: RecognizeReply) => void) | undefined;

/** OCR stays where the caller put it (its own worker); page numbers go there and the texts come back. */
const recognizePages: PageRecognizer = (_pdf, pageNumbers) =>
  new Promise((resolve, reject) => {
    pendingRecognition = (reply) => (reply.type === "recognized" ? resolve(new Map(reply.pages)) : reject(new ArticleError(reply.message)));
    send({ type: "recognize", pageNumbers });
  });

async function extract(request: ExtractRequest): Promise<void> {
  const format = FORMATS.find((candidate) => candidate.kind === request.kind);
  if (!format) throw new Error(`unknown format ${request.kind}`);
  const document = await format.extract(request.bytes, {
    fileName: request.fileName,
    maxPages: request.maxPages,
    ...(request.canRecognize ? { recognizePages } : {}),
    onProgress: (progress) => send({ type: "progress", progress }),
  });
  send({ type: "done", document });
}

port.on("message", (message: ExtractRequest | RecognizeReply) => {
  if (message.type !== "extract") {
    pendingRecognition?.(message);
    pendingRecognition = undefined;
    return;
  }
  extract(message).catch((error: unknown) => send({ type: "failed", message: (error as Error).message ?? String(error), articleError: error instanceof ArticleError }));
});
