import type { ExtractedDocument, ExtractProgress } from "./types.js";

/** What the main thread sends to start an extraction. */
export interface ExtractRequest {
  type: "extract";
  kind: string;
  bytes: Uint8Array;
  fileName: string;
  maxPages: number;
  canRecognize: boolean;
}

/** Messages from the extraction worker about the extraction in progress. */
export type WorkerMessage =
  | { type: "progress"; progress: ExtractProgress }
  | { type: "recognize"; pageNumbers: number[] }
  | { type: "done"; document: ExtractedDocument }
  | { type: "failed"; message: string; articleError: boolean };

/** Reply of the main thread to a "recognize" message. */
export type RecognizeReply = { type: "recognized"; pages: Array<[number, string]> } | { type: "recognizeFailed"; message: string };
