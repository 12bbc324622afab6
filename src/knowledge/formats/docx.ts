import path from "node:path";
import { ArticleError } from "../article-error.js";
import { findDateInText } from "../dates.js";
import { blocksFromHtml, textFromBlocks } from "./blocks.js";
import { parseHtmlDocument } from "./dom.js";
import { regulationSections } from "./regulation.js";
import type { DocumentFormat, ExtractContext, ExtractedDocument, SectionSpan } from "./types.js";
import { totalUncompressedSize, zipEntries } from "./zip.js";

/** A Word file inflating to more than this is refused before it is unpacked (a zip bomb, or not a report). */
export const MAX_DOCX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
const MAIN_PART = "word/document.xml";

function isDocx(bytes: Uint8Array): boolean {
  return zipEntries(bytes)?.some((entry) => entry.name === MAIN_PART) ?? false;
}

/** Headings from Word's heading styles, plus Pasal/BAB structure when the document is a legal text. */
function mergeSections(headings: SectionSpan[], legal: SectionSpan[]): SectionSpan[] {
  return [...headings, ...legal.filter((section) => !headings.some((heading) => heading.start === section.start))].sort((a, b) => a.start - b.start || a.level - b.level);
}

async function extractDocx(bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument> {
  const entries = zipEntries(bytes);
  if (!entries?.some((entry) => entry.name === MAIN_PART)) throw new ArticleError(`${ctx.fileName} is not a readable Word document. Open it in Word or LibreOffice and save it as .docx again.`);
  const inflated = totalUncompressedSize(entries);
  if (inflated > MAX_DOCX_UNCOMPRESSED_BYTES) {
    throw new ArticleError(`${ctx.fileName} would unpack to ${Number.isFinite(inflated) ? `${Math.round(inflated / 1048576)} MB` : "an unknown size"}; Word documents may unpack to at most ${MAX_DOCX_UNCOMPRESSED_BYTES / 1048576} MB.`);
  }
  let html: string;
  try {
    // Loaded here, in the extraction worker, rather than with the module: the main thread never needs it.
    const { default: mammoth } = await import("mammoth");
    ({ value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }));
  } catch (error) {
    throw new ArticleError(`${ctx.fileName} is a damaged Word document (${(error as Error).message}). Save it again and send it.`);
  }
  const blocks = blocksFromHtml(parseHtmlDocument(`<!doctype html><html><body>${html}</body></html>`).document.body);
  const { text, sections } = textFromBlocks(blocks);
  const title = blocks.find((block) => block.heading > 0)?.text ?? blocks[0]?.text ?? path.basename(ctx.fileName, path.extname(ctx.fileName));
  return { text, pages: [], sections: mergeSections(sections, regulationSections(text)), metadata: { title: title.slice(0, 300), date: findDateInText(text.slice(0, 2000)) ?? undefined } };
}

export const docxFormat: DocumentFormat = {
  kind: "docx",
  extensions: [".docx"],
  mediaTypes: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  sniff: isDocx,
  heavy: true,
  extract: extractDocx,
};
