import { createHash } from "node:crypto";
import path from "node:path";
import { DEFAULT_MAX_PDF_PAGES } from "../config/settings.js";
import type { Article } from "./article.js";
import { ArticleError } from "./article-error.js";
import { CLEANING_VERSION } from "./clean.js";
import { extractDocument } from "./formats/extract.js";
import { extractHtmlDocument } from "./formats/html.js";
import { formatForFile, type ExtractContext, type ExtractedDocument } from "./formats/index.js";
import { extractTextDocument } from "./formats/text.js";
import { newsDocument, type NewsText } from "./news-document.js";

export { ArticleError };

const MIN_ARTICLE_WORDS = 10;

function slug(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
}

/**
 * "Berita Banyuwangi (1).txt" → "berita-banyuwangi-1"; a path inside the knowledge folder keeps its folders:
 * "Regulasi/Perpres 95 2018.pdf" → "regulasi/perpres-95-2018". Empty when the file name has no letter or digit.
 */
export function articleIdFromFileName(fileName: string): string {
  const parts = fileName.split(/[\\/]/).filter((part) => part !== "" && part !== "." && part !== "..");
  const base = slug(path.basename(parts.pop() ?? "", path.extname(fileName)));
  if (base === "") return "";
  return [...parts.map(slug).filter(Boolean), base].join("/");
}

function hashArticle(fields: Omit<Article, "contentHash" | "file" | "id">): string {
  return createHash("sha256").update(JSON.stringify({ v: CLEANING_VERSION, ...fields })).digest("hex");
}

/** An article from an extracted document: validated (enough words) and hashed. */
export function articleFromDocument(id: string, fileName: string, document: ExtractedDocument): Article {
  const { text, metadata } = document;
  const words = text.split(/\s+/).filter(Boolean).length;
  if (words < MIN_ARTICLE_WORDS) {
    throw new ArticleError(`${fileName}: after removing headlines and boilerplate only ${words} words of article text are left (at least ${MIN_ARTICLE_WORDS} needed). Is it a whole article with sentences ending in a full stop?`);
  }
  const fields = {
    title: (metadata.title ?? "").replace(/\s+/g, " ").slice(0, 300),
    source: metadata.source ?? null,
    date: metadata.date ?? null,
    url: metadata.url && /^https?:\/\//i.test(metadata.url) ? metadata.url : null,
    text,
    // Only documents with pages or sections carry them, so the hashes of plain articles stay as they were.
    ...(document.pages.length > 0 ? { pages: document.pages } : {}),
    ...(document.sections.length > 0 ? { sections: document.sections } : {}),
  };
  return { id, file: fileName, ...fields, contentHash: hashArticle(fields) };
}

function idFor(fileName: string): string {
  const id = articleIdFromFileName(fileName);
  if (id === "") throw new ArticleError(`${fileName}: the file name needs at least one letter or digit.`);
  return id;
}

/**
 * Parses, cleans and validates a text article (.txt, .md, .html) synchronously. Throws ArticleError with an
 * admin-readable message; PDF and Word files go through readArticle.
 */
export function parseArticle(fileName: string, bytes: Uint8Array): Article {
  const format = formatForFile(fileName, bytes);
  const id = idFor(fileName);
  if (format.kind === "text") return articleFromDocument(id, fileName, extractTextDocument(bytes, fileName));
  if (format.kind === "html") return articleFromDocument(id, fileName, extractHtmlDocument(bytes, fileName));
  throw new ArticleError(`${fileName}: ${format.kind} files are read with readArticle.`);
}

export type ReadOptions = Omit<ExtractContext, "fileName">;

/** Reads any supported file into an article; PDF and Word extraction run in a worker thread. */
export async function readArticle(fileName: string, bytes: Uint8Array, options: ReadOptions = { maxPages: DEFAULT_MAX_PDF_PAGES }): Promise<Article> {
  const format = formatForFile(fileName, bytes);
  const id = idFor(fileName);
  return articleFromDocument(id, fileName, await extractDocument(format, bytes, { ...options, fileName }));
}

export type ArticleText = NewsText & { id: string; file: string };

/** Cleans and validates article text that did not come from a file (also used for evaluation corpora). */
export function articleFromText(input: ArticleText): Article {
  return articleFromDocument(input.id, input.file, newsDocument(input));
}
