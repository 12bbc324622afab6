import type { ArticleMetadata } from "../article.js";

/** A page of the source document: 1-based number, offsets into the final cleaned text. */
export interface PageSpan {
  number: number;
  start: number;
  end: number;
  /** The page's text was recognised from its image (OCR), not read from a text layer. */
  ocr: boolean;
}

/** A titled part of the document ("BAB II", "Pasal 5", a heading), as offsets into the final cleaned text. */
export interface SectionSpan {
  title: string;
  /** 1 = outermost. Regulations: BAB 1, Bagian 2, Paragraf 3, Pasal 4, ayat 5; headings: their h-level. */
  level: number;
  start: number;
  end: number;
}

/**
 * What a format makes of a file's bytes: the final cleaned text (every quote is an exact substring of it),
 * where its pages and sections are, and what a citation shows.
 */
export interface ExtractedDocument {
  text: string;
  pages: PageSpan[];
  sections: SectionSpan[];
  metadata: ArticleMetadata;
}

/** Recognises the text of scanned PDF pages (implemented in src/knowledge/ocr by another branch). */
export type PageRecognizer = (pdf: Uint8Array, pageNumbers: number[], onProgress?: (done: number, total: number) => void) => Promise<Map<number, string>>;

export interface ExtractProgress {
  stage: "pages" | "ocr";
  done: number;
  total: number;
}

export interface ExtractContext {
  /** Name shown in messages (relative path inside the knowledge folder). */
  fileName: string;
  /** PDFs with more pages are refused (MAX_PDF_PAGES). */
  maxPages: number;
  /** Without it, a PDF page with no usable text layer is refused with a clear message. */
  recognizePages?: PageRecognizer;
  onProgress?: (progress: ExtractProgress) => void;
}

/** One file format: recognised by extension, checked against the content, turned into a document. */
export interface DocumentFormat {
  kind: string;
  /** Lower case with the dot; the first is the one a saved file gets. */
  extensions: readonly string[];
  /** HTTP media types (without parameters) served for this format. */
  mediaTypes: readonly string[];
  /** Whether the bytes really are this format (magic bytes). */
  sniff(bytes: Uint8Array): boolean;
  /** CPU-heavy formats are extracted in a worker thread so questions keep being answered meanwhile. */
  heavy: boolean;
  extract(bytes: Uint8Array, ctx: ExtractContext): Promise<ExtractedDocument>;
}
