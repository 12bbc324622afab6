import { createHash } from "node:crypto";
import path from "node:path";
import matter from "gray-matter";
import { convert as htmlToText } from "html-to-text";
import { parse as parseHtml } from "node-html-parser";
import { SUPPORTED_EXTENSIONS, type Article, type ArticleMetadata } from "./article.js";
import { CLEANING_VERSION, cleanArticleText } from "./clean.js";
import { normaliseDate } from "./dates.js";
import { detectDate, detectSource } from "./metadata.js";

/** Bad input an admin can fix; the message says how. */
export class ArticleError extends Error {}

export const MAX_ARTICLE_BYTES = 10 * 1024 * 1024;
const MIN_ARTICLE_WORDS = 10;

/** "Berita Banyuwangi (1).txt" → "berita-banyuwangi-1". */
export function articleIdFromFileName(fileName: string): string {
  const base = path.basename(fileName, path.extname(fileName));
  return base.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
}

function decodeUtf8(bytes: Buffer, fileName: string): string {
  if (bytes.length === 0) throw new ArticleError(`${fileName} is empty.`);
  if (bytes.length > MAX_ARTICLE_BYTES) throw new ArticleError(`${fileName} is ${(bytes.length / 1048576).toFixed(1)} MB; articles may be at most ${MAX_ARTICLE_BYTES / 1048576} MB.`);
  if (bytes.includes(0)) throw new ArticleError(`${fileName} looks like a binary file, not text. Send a .txt, .md or .html article.`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ArticleError(`${fileName} is not UTF-8 text. Save it as UTF-8 and send it again.`);
  }
  // Control characters are what this check looks for: text files almost never contain them, binaries do.
  // eslint-disable-next-line no-control-regex
  const controls = text.match(/[\u0001-\u0008\u000E-\u001F]/g)?.length ?? 0;
  if (controls > text.length / 100) throw new ArticleError(`${fileName} looks like a binary file, not text.`);
  return text.replace(/^\uFEFF/, "");
}

function stringField(data: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = data[key];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

function frontMatter(text: string, fileName: string): { body: string; meta: ArticleMetadata; rawDate: unknown } {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // gray-matter caches by content; passing an options object disables the cache so edits are seen.
    parsed = matter(text, {});
  } catch (error) {
    throw new ArticleError(`${fileName}: the front matter between the --- lines is not valid YAML (${(error as Error).message.split("\n")[0]}).`);
  }
  const data = parsed.data as Record<string, unknown>;
  return {
    body: parsed.content,
    meta: { title: stringField(data, "title", "judul"), source: stringField(data, "source", "outlet", "sumber"), url: stringField(data, "url", "link") },
    rawDate: data.date ?? data.tanggal,
  };
}

/** Markdown syntax off, line structure kept (the cleaner works line by line). */
function markdownToText(body: string): { text: string; heading: string | undefined } {
  let heading: string | undefined;
  const lines = body.split(/\r?\n/).map((line) => {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      heading ??= h[1]!.trim();
      return h[1]!.trim();
    }
    return line
      .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/(\*\*|__)(.+?)\1/g, "$2")
      .replace(/(^|\W)[*_](\S.*?\S|\S)[*_](?=\W|$)/g, "$1$2")
      .replace(/`([^`]+)`/g, "$1")
      .replace(/^>\s?/, "");
  });
  return { text: lines.join("\n"), heading };
}

function htmlArticle(html: string): { text: string; meta: ArticleMetadata; rawDate: unknown } {
  const root = parseHtml(html);
  const metaContent = (selector: string) => root.querySelector(selector)?.getAttribute("content")?.trim() || undefined;
  const title = metaContent('meta[property="og:title"]') ?? root.querySelector("h1")?.text.trim() ?? root.querySelector("title")?.text.trim();
  const text = htmlToText(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "nav", format: "skip" },
      { selector: "header", format: "skip" },
      { selector: "footer", format: "skip" },
      { selector: "aside", format: "skip" },
      { selector: "script", format: "skip" },
      { selector: "style", format: "skip" },
      { selector: "form", format: "skip" },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
      { selector: "table", format: "dataTable" },
    ],
  });
  return {
    text,
    meta: {
      title: title || undefined,
      source: metaContent('meta[property="og:site_name"]'),
      url: metaContent('meta[property="og:url"]') ?? root.querySelector('link[rel="canonical"]')?.getAttribute("href") ?? undefined,
    },
    rawDate: metaContent('meta[property="article:published_time"]') ?? root.querySelector("time[datetime]")?.getAttribute("datetime"),
  };
}

function firstLine(text: string): string | undefined {
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== "");
}

function hashArticle(fields: Omit<Article, "contentHash" | "file" | "id">): string {
  return createHash("sha256").update(JSON.stringify({ v: CLEANING_VERSION, ...fields })).digest("hex");
}

/** Parses, cleans and validates one article file. Throws ArticleError with an admin-readable message. */
export function parseArticle(fileName: string, bytes: Buffer): Article {
  const extension = path.extname(fileName).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new ArticleError(`${fileName}: unsupported file type "${extension || "(none)"}". Use ${SUPPORTED_EXTENSIONS.join(", ")}.`);
  }
  const id = articleIdFromFileName(fileName);
  if (id === "") throw new ArticleError(`${fileName}: the file name needs at least one letter or digit.`);
  const decoded = decodeUtf8(bytes, fileName);

  let body: string;
  let meta: ArticleMetadata;
  let rawDate: unknown;
  let isMarkdown = false;
  if (extension === ".html" || extension === ".htm") {
    ({ text: body, meta, rawDate } = htmlArticle(decoded));
  } else {
    ({ body, meta, rawDate } = frontMatter(decoded, fileName));
    if (extension !== ".txt") {
      isMarkdown = true;
      const md = markdownToText(body);
      body = md.text;
      meta.title ??= md.heading;
    }
  }
  const title = meta.title ?? firstLine(body);
  if (!title) throw new ArticleError(`${fileName} has no text.`);
  return articleFromText({ id, file: fileName, title, body, meta, rawDate, keepListItems: isMarkdown });
}

export interface ArticleText {
  id: string;
  file: string;
  /** Empty when the source has no title (then no line is taken for one). */
  title: string;
  body: string;
  meta?: ArticleMetadata;
  rawDate?: unknown;
  keepListItems?: boolean;
}

/** Cleans and validates article text that did not come from a file (also used for evaluation corpora). */
export function articleFromText(input: ArticleText): Article {
  const { id, file: fileName, title, body, meta = {}, rawDate } = input;
  const cleaned = cleanArticleText(body, { title, keepListItems: input.keepListItems });
  const words = cleaned.text.split(/\s+/).filter(Boolean).length;
  if (words < MIN_ARTICLE_WORDS) {
    throw new ArticleError(`${fileName}: after removing headlines and boilerplate only ${words} words of article text are left (at least ${MIN_ARTICLE_WORDS} needed). Is it a whole article with sentences ending in a full stop?`);
  }
  const fields = {
    title: title.replace(/\s+/g, " ").slice(0, 300),
    source: meta.source ?? detectSource([...cleaned.header, ...cleaned.text.split("\n\n").slice(0, 2), ...cleaned.dropped]) ?? null,
    date: normaliseDate(rawDate) ?? detectDate(cleaned.header, cleaned.text) ?? null,
    url: meta.url && /^https?:\/\//i.test(meta.url) ? meta.url : null,
    text: cleaned.text,
  };
  return { id, file: fileName, ...fields, contentHash: hashArticle(fields) };
}
