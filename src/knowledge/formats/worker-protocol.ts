import type { ExtractedDocument, ExtractProgress } from "./types.js";

/** What the main thread sends to start an extraction. */
export interface ExtractRequest {
  kind: string;
  bytes: Uint8Array;
  fileName: string;
  maxPages: number;
  canRecognize: boolean;
}

/** Messages from the extraction worker. */
export type WorkerMessage =
  | { type: "progress"; progress: ExtractProgress }
  | { type: "recognize"; pageNumbers: number[] }
  | { type: "done"; document: ExtractedDocument }
  | { type: "failed"; message: string; articleError: boolean };

/** Reply of the main thread to a "recognize" message. */
export type RecognizeReply = { type: "recognized"; pages: Array<[number, string]> } | { type: "recognizeFailed"; message: string };
