import type { Embedder } from "../embedding/embedder.js";

/**
 * Wraps the product's embedder without changing what it computes (same modelId, so indexes stay
 * compatible): times passage embedding, and optionally remembers the last few query vectors so the three
 * retrieval modes of the evaluation embed each question once.
 */
export class InstrumentedEmbedder implements Embedder {
  /** Wall time spent in embedPassages, seconds. */
  passageSeconds = 0;
  passagesEmbedded = 0;
  private readonly cache = new Map<string, Float32Array>();

  constructor(
    private readonly inner: Embedder,
    private readonly queryCacheSize = 0,
  ) {}

  get modelId(): string {
    return this.inner.modelId;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  async embedQueries(texts: string[]): Promise<Float32Array[]> {
    if (this.queryCacheSize === 0) return this.inner.embedQueries(texts);
    const missing = [...new Set(texts.filter((text) => !this.cache.has(text)))];
    if (missing.length > 0) {
      const vectors = await this.inner.embedQueries(missing);
      missing.forEach((text, i) => this.cache.set(text, vectors[i]!));
      while (this.cache.size > this.queryCacheSize) this.cache.delete(this.cache.keys().next().value!);
    }
    return texts.map((text) => this.cache.get(text)!);
  }

  async embedPassages(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const started = performance.now();
    try {
      return await this.inner.embedPassages(texts, onBatch);
    } finally {
      this.passageSeconds += (performance.now() - started) / 1000;
      this.passagesEmbedded += texts.length;
    }
  }

  async releasePassageModel(): Promise<void> {
    await this.inner.releasePassageModel?.();
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
