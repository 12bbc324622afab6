import path from "node:path";
import { ArticleError } from "../article-error.js";
import { docxFormat } from "./docx.js";
import { htmlFormat } from "./html.js";
import { pdfFormat } from "./pdf/index.js";
import { textFormat } from "./text.js";
import type { DocumentFormat } from "./types.js";
import { zipEntries } from "./zip.js";

export type { DocumentFormat, ExtractContext, ExtractedDocument, ExtractProgress, PageRecognizer, PageSpan, SectionSpan } from "./types.js";

/** Every format the knowledge folder reads. A new format is one module and one line here. */
export const FORMATS: readonly DocumentFormat[] = [textFormat, htmlFormat, pdfFormat, docxFormat];

export const SUPPORTED_EXTENSIONS: readonly string[] = FORMATS.flatMap((format) => format.extensions);

/** Old binary Word files (OLE2 compound documents) start with these bytes. */
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function isOle2(bytes: Uint8Array): boolean {
  return OLE2_MAGIC.every((byte, i) => bytes[i] === byte);
}

function legacyWordMessage(fileName: string): string {
  return `${fileName} is an old Word (.doc) or Office binary file, which is not read. Open it in Word or LibreOffice and save it as .docx or PDF.`;
}

export function isSupportedFileName(fileName: string): boolean {
  return SUPPORTED_EXTENSIONS.includes(path.extname(fileName).toLowerCase());
}

/** Why a file name is refused before its content is looked at. */
export function unsupportedTypeMessage(fileName: string): string {
  const extension = path.extname(fileName).toLowerCase();
  if (extension === ".doc") return legacyWordMessage(fileName);
  return `${fileName}: unsupported file type "${extension || "(none)"}". Use ${SUPPORTED_EXTENSIONS.join(", ")}.`;
}

/** Every media type some format reads (what a link fetch accepts). */
export const SUPPORTED_MEDIA_TYPES: readonly string[] = FORMATS.flatMap((format) => format.mediaTypes);

/** The format for an HTTP response's media type ("application/pdf; charset=…" works too). */
export function formatForMediaType(mediaType: string): DocumentFormat | undefined {
  const bare = mediaType.split(";")[0]!.trim().toLowerCase();
  return FORMATS.find((format) => format.mediaTypes.includes(bare));
}

/**
 * The format that reads a file, chosen by its extension and checked against its content: a PDF named .docx
 * (or any binary format under another's name) gets a message saying what it really is.
 */
export function formatForFile(fileName: string, bytes: Uint8Array): DocumentFormat {
  if (isOle2(bytes)) throw new ArticleError(legacyWordMessage(fileName));
  const extension = path.extname(fileName).toLowerCase();
  const format = FORMATS.find((candidate) => candidate.extensions.includes(extension));
  if (!format) throw new ArticleError(unsupportedTypeMessage(fileName));
  // Binary formats have magic bytes; text formats accept any text, so the binary ones are asked first.
  const actual = FORMATS.find((candidate) => candidate.heavy && candidate.sniff(bytes));
  if (actual && actual !== format) throw new ArticleError(`${fileName} is really a ${actual.kind.toUpperCase()} file, not ${extension}. Rename it to ${path.basename(fileName, extension)}${actual.extensions[0]} and send it again.`);
  if (format.heavy && !format.sniff(bytes)) {
    throw new ArticleError(`${fileName} is not a ${format.kind.toUpperCase()} file (its content is ${zipEntries(bytes) ? "a zip archive" : "something else"}). It may be damaged or misnamed.`);
  }
  // Text formats explain binary or mis-encoded content themselves.
  return format;
}
