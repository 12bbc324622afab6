/** What the rest of the pipeline needs from an embedding model; swap the model by providing another one. */
export interface Embedder {
  /** Identifies model + configuration in the index manifest; a change forces a full re-embed. */
  readonly modelId: string;
  readonly dimensions: number;
  /** Unit-length vectors for questions. */
  embedQueries(texts: string[]): Promise<Float32Array[]>;
  /** Unit-length vectors for passages; `onBatch` reports how many are done. */
  embedPassages(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]>;
  /**
   * Optional: lets go of what only passage embedding holds (a worker's copy of the model) until the next
   * embedPassages call, which loads it again.
   */
  releasePassageModel?(): Promise<void>;
  dispose(): Promise<void>;
}
