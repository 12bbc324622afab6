import { getDocumentProxy, getResolvedPDFJS } from "unpdf";
import { ArticleError } from "../../article-error.js";
import { regulationSections } from "../regulation.js";
import type { DocumentFormat, ExtractContext, ExtractedDocument } from "../types.js";
import { pageLines, type PageLine, type PositionedText } from "./layout.js";
import { assembleText, type PageContent } from "./paragraphs.js";
import { textLayerQuality } from "./quality.js";
import { removeRunningLines } from "./running-lines.js";
import { documentDate, documentTitle } from "./title.js";

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

const PDF_MAGIC = "%PDF-";
/** The header may follow a little junk (the spec allows it anywhere in the first 1024 bytes). */
const HEADER_WINDOW = 1024;
/** A page with less text than this that shows an image may be a scan with a stamp on it. */
const SPARSE_TEXT_CHARS = 200;
/** Writers end a PDF with %%EOF, possibly followed by a few bytes of padding. */
const END_WINDOW = 2048;

function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, HEADER_WINDOW)).includes(PDF_MAGIC);
}

function hasEndMarker(bytes: Uint8Array): boolean {
  const from = Math.max(0, bytes.length - END_WINDOW);
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, bytes.length - from).includes("%%EOF");
}

async function openPdf(bytes: Uint8Array, fileName: string): Promise<PdfDocument> {
  if (!hasEndMarker(bytes)) throw new ArticleError(`${fileName} is truncated: the PDF ends before its end marker. Download or export it again.`);
  try {
    // A copy: pdf.js may take over the buffer it is given, and the recogniser needs the bytes afterwards.
    return await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, stopAtErrors: true, verbosity: 0 });
  } catch (error) {
    if ((error as Error).name === "PasswordException") {
      throw new ArticleError(`${fileName} is password-protected. Save or print an unprotected copy of it and send that.`);
    }
    throw new ArticleError(`${fileName} is damaged or not a valid PDF (${(error as Error).message}). Export or download it again.`);
  }
}

async function hasImages(page: PdfPage): Promise<boolean> {
  const { OPS } = await getResolvedPDFJS();
  const { fnArray } = await page.getOperatorList();
  return fnArray.some((op) => op === OPS.paintImageXObject || op === OPS.paintInlineImageXObject || op === OPS.paintImageMaskXObject);
}

async function readPage(page: PdfPage): Promise<PageLine[]> {
  const content = await page.getTextContent();
  const items: PositionedText[] = [];
  for (const item of content.items) {
    if (!("str" in item) || item.str === "") continue;
    const [, , c, d, x, y] = item.transform as number[];
    items.push({ text: item.str, x: x!, y: y!, width: item.width, size: Math.hypot(c!, d!) || item.height });
  }
  return pageLines(items, page.getViewport({ scale: 1 }).width);
}

/** Recognised text as lines; a blank line starts a new paragraph. */
function recognisedLines(text: string): PageLine[] {
  const lines: PageLine[] = [];
  let blank = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+/g, " ").trim();
    if (line === "") blank = true;
    else {
      lines.push({ text: line, y: -lines.length, size: 1, breakBefore: blank });
      blank = false;
    }
  }
  return lines;
}

/** Text pages read from the text layer; pages without a usable one recognised, or refused when OCR is off. */
async function readPages(pdf: PdfDocument, bytes: Uint8Array, ctx: ExtractContext): Promise<PageContent[]> {
  const pages: PageContent[] = [];
  const unreadable: number[] = [];
  let garbage = 0;
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const lines = await readPage(page);
    const text = lines.map((line) => line.text).join("\n");
    const quality = textLayerQuality(text);
    // A scan with a few typed words on it (a stamp, an e-signature note) is read by OCR when OCR is on.
    const scanned = (quality === "none" || (ctx.recognizePages !== undefined && text.length < SPARSE_TEXT_CHARS)) && (await hasImages(page));
    if (quality !== "garbage" && !scanned) pages.push({ number, lines, ocr: false });
    else {
      unreadable.push(number);
      if (quality === "garbage") garbage++;
    }
    page.cleanup();
    ctx.onProgress?.({ stage: "pages", done: number, total: pdf.numPages });
  }
  if (unreadable.length === 0) return pages;
  if (ctx.recognizePages) {
    const recognised = await ctx.recognizePages(bytes, unreadable, (done, total) => ctx.onProgress?.({ stage: "ocr", done, total }));
    for (const number of unreadable) pages.push({ number, lines: recognisedLines(recognised.get(number) ?? ""), ocr: true });
    return pages.sort((a, b) => a.number - b.number);
  }
  // A scanned signature page at the end of a typed regulation is common: the typed pages are still read.
  if (pages.some((page) => page.lines.length > 0)) return pages;
  if (garbage > 0) throw new ArticleError(`${ctx.fileName}: the PDF's text layer is unreadable (broken font encoding) and OCR is off. Export the PDF again from the original document.`);
  throw new ArticleError(`${ctx.fileName} is a scan: its pages are images without text, and OCR is off. Send a PDF with a text layer.`);
}

async function extractPdf(bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument> {
  const pdf = await openPdf(bytes, ctx.fileName);
  try {
    if (pdf.numPages > ctx.maxPages) throw new ArticleError(`${ctx.fileName} has ${pdf.numPages} pages; at most ${ctx.maxPages} are read (MAX_PDF_PAGES). Split it into smaller PDFs.`);
    const pages = await readPages(pdf, bytes, ctx);
    const cleaned = removeRunningLines(pages.map((page) => page.lines));
    const { text, pages: spans } = assembleText(pages.map((page, i) => ({ ...page, lines: cleaned[i]! })));
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const title = documentTitle(cleaned[0] ?? [], typeof info?.Title === "string" ? info.Title : undefined, ctx.fileName);
    return { text, pages: spans, sections: regulationSections(text), metadata: { title, date: documentDate(text) } };
  } finally {
    await pdf.destroy();
  }
}

export const pdfFormat: DocumentFormat = {
  kind: "pdf",
  extensions: [".pdf"],
  mediaTypes: ["application/pdf", "application/x-pdf"],
  sniff: isPdf,
  heavy: true,
  extract: extractPdf,
};
