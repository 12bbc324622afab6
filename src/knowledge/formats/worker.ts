/** Worker-thread entry: extracts one document so parsing a 300-page PDF never blocks the bot's event loop. */
import { parentPort, workerData } from "node:worker_threads";
import { ArticleError } from "../article-error.js";
import { FORMATS } from "./index.js";
import type { ExtractRequest, RecognizeReply, WorkerMessage } from "./worker-protocol.js";
import type { PageRecognizer } from "./types.js";

const port = parentPort!;
const request = workerData as ExtractRequest;
const send = (message: WorkerMessage) => port.postMessage(message);

/** OCR stays where the caller put it (its own worker); pages travel there and back as messages. */
const recognizePages: PageRecognizer = (_pdf, pageNumbers) =>
  new Promise((resolve, reject) => {
    port.once("message", (reply: RecognizeReply) => (reply.type === "recognized" ? resolve(new Map(reply.pages)) : reject(new ArticleError(reply.message))));
    send({ type: "recognize", pageNumbers });
  });

async function run(): Promise<void> {
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

run().catch((error: unknown) => send({ type: "failed", message: (error as Error).message ?? String(error), articleError: error instanceof ArticleError }));
