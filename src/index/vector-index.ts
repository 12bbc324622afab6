import fs from "node:fs/promises";
import hnswlib from "hnswlib-node";

export interface VectorHit {
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

const M = 16;
const EF_CONSTRUCTION = 200;
const EF_SEARCH = 128;
/** hnswlib's saveIndex header: six size_t, an int, an unsigned int, three size_t, a double, a size_t. */
const HNSW_HEADER_BYTES = 96;

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

  /**
   * Checks that a written file is complete, without loading it (a read-back would hold a second copy of the
   * vectors at the peak of a refresh). hnswlib writes through a C++ stream and reports success even when the
   * disk fills up half-way, so the file is walked the way hnswlib's `saveIndex` lays it out: a 96-byte header
   * (element count at byte 16, bytes per level-0 element at byte 24), the level-0 block, then for each element
   * a uint32 length and that many bytes of upper-level links. The walk must end exactly at the end of the file.
   * Hand-written: hnswlib-node offers no check short of `readIndex`.
   */
  static async checkFile(file: string): Promise<void> {
    const handle = await fs.open(file, "r");
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(1 << 20);
      let bufferStart = 0;
      let bufferLength = 0;
      const readUint32 = async (position: number): Promise<number> => {
        if (position < bufferStart || position + 4 > bufferStart + bufferLength) {
          bufferStart = position;
          bufferLength = (await handle.read(buffer, 0, buffer.length, position)).bytesRead;
          if (bufferLength < 4) throw new Error(`ends at byte ${size}, inside the element list`);
        }
        return buffer.readUInt32LE(position - bufferStart);
      };
      const header = Buffer.alloc(HNSW_HEADER_BYTES);
      if ((await handle.read(header, 0, HNSW_HEADER_BYTES, 0)).bytesRead < HNSW_HEADER_BYTES) throw new Error(`has ${size} bytes, less than its header`);
      const count = Number(header.readBigUInt64LE(16));
      const bytesPerElement = Number(header.readBigUInt64LE(24));
      let position = HNSW_HEADER_BYTES + count * bytesPerElement;
      for (let element = 0; element < count && position <= size; element++) position += 4 + (await readUint32(position));
      if (position !== size) throw new Error(`has ${size} bytes, its ${count} elements need ${position}`);
    } finally {
      await handle.close();
    }
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
