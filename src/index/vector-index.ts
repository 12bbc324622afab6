import hnswlib from "hnswlib-node";

export interface VectorHit {
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

const M = 16;
const EF_CONSTRUCTION = 200;
const EF_SEARCH = 128;

/** Approximate nearest neighbours over unit vectors (hnswlib, cosine space); labels are passage numbers. */
export class VectorIndex {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimensions: number,
    /** hnswlib keeps deleted points (marked) and cannot count them, so the live count is tracked here. */
    private live: number,
  ) {
    index.setEf(EF_SEARCH);
  }

  static empty(dimensions: number, capacity = 1024): VectorIndex {
    const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
    index.initIndex({ maxElements: capacity, m: M, efConstruction: EF_CONSTRUCTION, randomSeed: 42, allowReplaceDeleted: true });
    return new VectorIndex(index, dimensions, 0);
  }

  static async read(file: string, dimensions: number, liveCount: number): Promise<VectorIndex> {
    const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
    await index.readIndex(file, true);
    if (index.getNumDimensions() !== dimensions) throw new Error(`${file} holds ${index.getNumDimensions()}-dimensional vectors, expected ${dimensions}`);
    return new VectorIndex(index, dimensions, liveCount);
  }

  async write(file: string): Promise<void> {
    await this.index.writeIndex(file);
  }

  get liveCount(): number {
    return this.live;
  }

  /** Slots held by deleted points; a refresh compacts the index when they pile up. */
  get deletedCount(): number {
    return this.index.getCurrentCount() - this.live;
  }

  add(label: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new Error(`vector has ${vector.length} dimensions, index has ${this.dimensions}`);
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) this.index.resizeIndex(Math.max(1024, this.index.getMaxElements() * 2));
    this.index.addPoint(Array.from(vector), label, true);
    this.live++;
  }

  remove(label: number): void {
    this.index.markDelete(label);
    this.live--;
  }

  vector(label: number): Float32Array {
    return Float32Array.from(this.index.getPoint(label));
  }

  search(vector: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.live);
    if (n === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
  }
}
