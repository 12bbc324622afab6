import os from "node:os";
import { FIELDS, type FieldPostings, type Postings } from "./postings.js";

/**
 * Binary file of the lexical index: "TNYLEX" magic, format version, the length of a JSON header (passage
 * ids and terms), the header, then per field the raw little-endian arrays offsets, docs, freqs, lengths,
 * each starting on a 4-byte boundary. Loading makes typed-array views on the file's bytes: no parsing of
 * the postings at all, which keeps start-up fast at ~100k passages.
 */
const MAGIC = "TNYLEX";
const VERSION = 1;
const PREAMBLE_BYTES = 16; // magic (6) + 2 spare + version (4) + header length (4)

interface Header {
  ids: string[];
  terms: string[];
  /** Postings per field, for the array sizes. */
  postings: Record<string, number>;
}

const align4 = (n: number) => (n + 3) & ~3;

function assertLittleEndian(): void {
  // The arrays are stored as the CPU lays them out; every platform Node supports for this app is little-endian.
  if (os.endianness() !== "LE") throw new Error("the lexical index file format needs a little-endian CPU");
}

/** The file's bytes as consecutive pieces: the preamble and header, then views on the postings' own arrays (no copy). */
export function encodePostings(postings: Postings): Uint8Array[] {
  assertLittleEndian();
  const header: Header = { ids: postings.ids, terms: postings.terms, postings: Object.fromEntries(FIELDS.map((field) => [field, postings.fields[field].docs.length])) };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const arrays = FIELDS.flatMap((field) => {
    const { offsets, docs, freqs, lengths } = postings.fields[field];
    return [offsets, docs, freqs, lengths];
  });
  const head = Buffer.alloc(align4(PREAMBLE_BYTES + headerBytes.length));
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(VERSION, 8);
  head.writeUInt32LE(headerBytes.length, 12);
  headerBytes.copy(head, PREAMBLE_BYTES);
  const pieces: Uint8Array[] = [head];
  for (const array of arrays) {
    pieces.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const padding = align4(array.byteLength) - array.byteLength;
    if (padding > 0) pieces.push(new Uint8Array(padding));
  }
  return pieces;
}

/** Reads a file written by `encodePostings`; throws a plain Error on anything malformed. */
export function decodePostings(bytes: Uint8Array): Postings {
  assertLittleEndian();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < PREAMBLE_BYTES || buffer.toString("latin1", 0, MAGIC.length) !== MAGIC) throw new Error("not a lexical index file");
  const version = buffer.readUInt32LE(8);
  if (version !== VERSION) throw new Error(`lexical index file version ${version}, this version reads ${VERSION}`);
  const headerLength = buffer.readUInt32LE(12);
  if (PREAMBLE_BYTES + headerLength > buffer.length) throw new Error("lexical index file is truncated (header)");
  const header = JSON.parse(buffer.toString("utf8", PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)) as Header;
  let at = align4(PREAMBLE_BYTES + headerLength);
  // Views when the bytes are 4-byte aligned in memory (the normal case for a file read whole), copies otherwise.
  const take = <T extends Uint32Array | Uint16Array>(Type: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number): T => {
    const byteLength = length * Type.BYTES_PER_ELEMENT;
    if (at + byteLength > buffer.length) throw new Error("lexical index file is truncated (postings)");
    const offset = buffer.byteOffset + at;
    const array = offset % Type.BYTES_PER_ELEMENT === 0 ? new Type(buffer.buffer, offset, length) : new Type(buffer.buffer.slice(offset, offset + byteLength), 0, length);
    at += align4(byteLength);
    return array;
  };
  const fields = {} as Record<(typeof FIELDS)[number], FieldPostings>;
  for (const field of FIELDS) {
    const count = header.postings[field] ?? 0;
    const offsets = take(Uint32Array, header.terms.length + 1);
    const docs = take(Uint32Array, count);
    const freqs = take(Uint16Array, count);
    const lengths = take(Uint32Array, header.ids.length);
    if (offsets[header.terms.length] !== count) throw new Error(`lexical index file is inconsistent (${field} postings)`);
    fields[field] = { offsets, docs, freqs, lengths };
  }
  return { ids: header.ids, terms: header.terms, fields };
}
