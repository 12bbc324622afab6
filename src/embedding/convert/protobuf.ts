/**
 * Minimal protobuf *encoder* — just the wire types ONNX messages need.
 *
 * Why hand-written: the only npm packages that write ONNX files either wrap the
 * Python toolchain or ship generated protobuf code plus a protobuf runtime as new
 * dependencies; nothing maintained converts safetensors → ONNX in plain JS. The
 * encoding subset used by ONNX is tiny (varints, length-delimited fields, fixed32
 * floats), so ~80 lines here beat a dependency that runs at install time.
 *
 * Large payloads (tensor raw_data) are kept as references to the caller's
 * buffers and copied exactly once, in finish().
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private flushedLength = 0;

  get length(): number {
    return this.flushedLength + this.pending.length;
  }

  /** int32 / int64 / enum / bool field. Negative values use 10-byte two's complement, as protobuf requires. */
  varintField(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  floatField(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.pending.push(...bytes);
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.byteLength);
    this.raw(value);
    return this;
  }

  messageField(field: number, message: ProtoWriter): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(message.length);
    message.flush();
    for (const chunk of message.chunks) this.raw(chunk);
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.flushedLength);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number | bigint): void {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new Error(`protobuf: varint ${value} is not a safe integer`);
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private raw(bytes: Uint8Array): void {
    // Small fields are batched in `pending`; big buffers are referenced, not copied.
    if (bytes.byteLength < 256) {
      for (const b of bytes) this.pending.push(b);
      return;
    }
    this.flush();
    this.chunks.push(bytes);
    this.flushedLength += bytes.byteLength;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.flushedLength += this.pending.length;
    this.pending = [];
  }
}
