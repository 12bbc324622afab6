import path from "node:path";
import matter from "gray-matter";
import type { ArticleMetadata } from "../article.js";
import { ArticleError } from "../article-error.js";
import { newsDocument } from "../news-document.js";
import type { DocumentFormat, ExtractedDocument } from "./types.js";
import { decodeUtf8, looksLikeText } from "./utf8.js";

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

export function firstLine(text: string): string | undefined {
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== "");
}

/** A .txt or Markdown article: optional front matter, then news-style cleaning. Synchronous: it is cheap. */
export function extractTextDocument(bytes: Uint8Array, fileName: string): ExtractedDocument {
  const { body: raw, meta, rawDate } = frontMatter(decodeUtf8(bytes, fileName), fileName);
  const isMarkdown = path.extname(fileName).toLowerCase() !== ".txt";
  let body = raw;
  if (isMarkdown) {
    const md = markdownToText(raw);
    body = md.text;
    meta.title ??= md.heading;
  }
  const title = meta.title ?? firstLine(body);
  if (!title) throw new ArticleError(`${fileName} has no text.`);
  return newsDocument({ title, body, meta, rawDate, keepListItems: isMarkdown });
}

export const textFormat: DocumentFormat = {
  kind: "text",
  extensions: [".txt", ".md", ".markdown"],
  mediaTypes: ["text/plain", "text/markdown", "text/x-markdown"],
  sniff: looksLikeText,
  heavy: false,
  extract: async (bytes, ctx) => extractTextDocument(bytes, ctx.fileName),
};
