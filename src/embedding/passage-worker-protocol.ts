/** Messages between the main thread and the passage-embedding worker (src/embedding/passage-worker.ts). */
export interface EmbedRequest {
  type: "embed";
  texts: string[];
}

/** Stop after the batch in progress: release the session, then exit (see PassageWorker.dispose). */
export interface StopRequest {
  type: "stop";
}

export type PassageWorkerMessage =
  /** One batch's vectors, in order; their buffers are transferred, not copied. */
  | { type: "batch"; vectors: Float32Array[] }
  | { type: "done" }
  | { type: "failed"; message: string };
