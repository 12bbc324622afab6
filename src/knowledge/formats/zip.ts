/**
 * Reads a zip's central directory (names and declared sizes) without inflating anything, so a zip bomb is
 * refused before a single entry is decompressed. Hand-written: the zip libraries on npm (jszip, used inside
 * mammoth) expose the declared sizes only after loading the archive, and this needs ~40 lines of the format.
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
/** ZIP64 marks sizes it stores elsewhere with this value; such archives are not expected from Word. */
const ZIP64_MARKER = 0xffffffff;

/** The entries of a zip archive, or undefined when the bytes are not a readable zip. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | undefined {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KB.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_FILE_HEADER) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > bytes.length) return undefined;
    entries.push({
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Declared size of everything in the archive once inflated; ZIP64 placeholders count as unbounded. */
export function totalUncompressedSize(entries: ZipEntry[]): number {
  return entries.reduce((sum, entry) => sum + (entry.uncompressedSize === ZIP64_MARKER ? Number.POSITIVE_INFINITY : entry.uncompressedSize), 0);
}
