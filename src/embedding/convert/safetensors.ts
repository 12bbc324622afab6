/**
 * Reader for the safetensors format: an 8-byte little-endian header length, a JSON
 * header mapping tensor names to { dtype, shape, data_offsets }, then raw data.
 * Only what the BERT graph needs is decoded: F16/F32 tensors as Float32Array, or F16 ones as raw halves.
 * (The I64 embeddings.position_ids buffer is never read; the graph derives positions.)
 */

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface Safetensors {
  shape(name: string): number[];
  /**
   * Float tensor widened to fp32 (fp16 → fp32 is exact, so no precision is lost here).
   * Decoded once and cached: both the fp32 and the int8 graph read every tensor.
   * The returned array is shared, so callers must not modify it.
   */
  float32(name: string): Float32Array;
  /** The raw IEEE half-precision values of an F16 tensor (no conversion at all). */
  float16(name: string): Uint16Array;
}

export function parseSafetensors(bytes: Uint8Array): Safetensors {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new Error("safetensors: file too short");
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength) throw new Error("safetensors: header length exceeds file size");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  const dataStart = 8 + headerLength;

  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const entry = value as SafetensorsEntry;
    const [begin, end] = entry.data_offsets;
    if (!(begin >= 0 && end >= begin && dataStart + end <= bytes.byteLength)) {
      throw new Error(`safetensors: tensor ${name} has out-of-range offsets`);
    }
    entries.set(name, entry);
  }

  const get = (name: string): SafetensorsEntry => {
    const entry = entries.get(name);
    if (!entry) throw new Error(`safetensors: missing tensor ${name}`);
    return entry;
  };

  const cache = new Map<string, Float32Array>();

  return {
    shape: (name) => [...get(name).shape],
    float32(name) {
      const cached = cache.get(name);
      if (cached) return cached;
      const entry = get(name);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const offset = dataStart + entry.data_offsets[0];
      const out = new Float32Array(count);
      if (entry.dtype === "F16") {
        expectBytes(name, entry, count * 2);
        const table = halfTable();
        for (let i = 0; i < count; i++) out[i] = table[view.getUint16(offset + i * 2, true)] ?? NaN;
      } else if (entry.dtype === "F32") {
        expectBytes(name, entry, count * 4);
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + i * 4, true);
      } else {
        throw new Error(`safetensors: tensor ${name} has dtype ${entry.dtype}, expected F16 or F32`);
      }
      cache.set(name, out);
      return out;
    },
    float16(name) {
      const entry = get(name);
      if (entry.dtype !== "F16") throw new Error(`safetensors: tensor ${name} has dtype ${entry.dtype}, expected F16`);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      expectBytes(name, entry, count * 2);
      const out = new Uint16Array(count);
      const offset = dataStart + entry.data_offsets[0];
      for (let i = 0; i < count; i++) out[i] = view.getUint16(offset + i * 2, true);
      return out;
    },
  };
}

function expectBytes(name: string, entry: SafetensorsEntry, expected: number): void {
  const actual = entry.data_offsets[1] - entry.data_offsets[0];
  if (actual !== expected) throw new Error(`safetensors: tensor ${name} has ${actual} bytes, expected ${expected}`);
}

let halfLookup: Float32Array | undefined;

/** All 65536 fp16 values as fp32: ~25M weights make per-element bit twiddling the bottleneck. */
function halfTable(): Float32Array {
  if (!halfLookup) {
    halfLookup = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfLookup[h] = halfToFloat(h);
  }
  return halfLookup;
}

// Node 20 has no Float16Array, so decode IEEE 754 binary16 by hand (exact, incl. subnormals).
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
