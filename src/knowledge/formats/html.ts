import { Readability } from "@mozilla/readability";
import { convert as htmlToText } from "html-to-text";
import { ArticleError } from "../article-error.js";
import { isBoilerplateLine, isEndMarkerLine } from "../clean.js";
import { normaliseDate } from "../dates.js";
import { newsDocument } from "../news-document.js";
import { blocksFromHtml, textFromBlocks, type Block, type DomElement } from "./blocks.js";
import { parseHtmlDocument } from "./dom.js";
import { firstLine } from "./text.js";
import type { DocumentFormat, ExtractedDocument } from "./types.js";
import { decodeUtf8, looksLikeText } from "./utf8.js";

/** Readability's result is used when it keeps at least this many words; otherwise the whole page is cleaned. */
const MIN_READABLE_WORDS = 10;

interface PageMetadata {
  title: string | undefined;
  siteName: string | undefined;
  url: string | undefined;
  published: string | undefined;
}

function jsonLdDate(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(jsonLdDate).find(Boolean);
  if (value === null || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.datePublished === "string") return record.datePublished;
  return jsonLdDate(record["@graph"]);
}

/** Read before Readability runs: it rearranges the document it is given. */
function pageMetadata(document: DomElement): PageMetadata {
  const meta = (selector: string) => document.querySelector(selector)?.getAttribute("content")?.trim() || undefined;
  let ldDate: string | undefined;
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      ldDate ??= jsonLdDate(JSON.parse(script.textContent ?? ""));
    } catch {
      // A broken JSON-LD block is the site's bug; the other date sources still count.
    }
  }
  return {
    title: meta('meta[property="og:title"]') ?? document.querySelector("h1")?.textContent?.trim() ?? (document.querySelector("title")?.textContent?.trim() || undefined),
    siteName: meta('meta[property="og:site_name"]'),
    url: document.querySelector('link[rel="canonical"]')?.getAttribute("href")?.trim() || meta('meta[property="og:url"]'),
    published: meta('meta[property="article:published_time"]') ?? ldDate ?? document.querySelector("time[datetime]")?.getAttribute("datetime")?.trim() ?? meta('meta[name="date"]'),
  };
}

/**
 * Page furniture removed before Readability looks: on a small page its scoring can keep a menu or a cookie
 * notice as part of the article.
 */
const FURNITURE = ["nav", "footer", "aside", "form", "body > header", '[role="navigation"]', '[role="contentinfo"]', '[role="dialog"]', '[class*="cookie" i]', '[id*="cookie" i]', '[class*="consent" i]', '[id*="consent" i]'].join(", ");

/** The page's readable part as blocks, news boilerplate lines dropped, cut at "Berita Terkait"-style markers. */
function readableBlocks(document: DomElement, title: string | undefined): Block[] | undefined {
  for (const element of [...document.querySelectorAll(FURNITURE)]) element.remove();
  const article = new Readability(document).parse();
  if (!article?.content) return undefined;
  const body = parseHtmlDocument(`<!doctype html><html><body>${article.content}</body></html>`).document.body;
  const blocks: Block[] = [];
  for (const block of blocksFromHtml(body)) {
    if (isEndMarkerLine(block.text) && blocks.length > 0) break;
    if (isBoilerplateLine(block.text) || (title !== undefined && block.text === title)) continue;
    blocks.push(block);
  }
  const words = blocks.reduce((sum, block) => sum + block.text.split(" ").length, 0);
  return words >= MIN_READABLE_WORDS ? blocks : undefined;
}

/** The whole page as text, cleaned like a pasted news article: for pages Readability makes nothing of. */
function wholePageDocument(html: string, meta: PageMetadata): ExtractedDocument {
  const text = htmlToText(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      ...["img", "nav", "header", "footer", "aside", "script", "style", "form"].map((selector) => ({ selector, format: "skip" })),
      ...["h1", "h2", "h3"].map((selector) => ({ selector, options: { uppercase: false } })),
      { selector: "table", format: "dataTable" },
    ],
  });
  const title = meta.title ?? firstLine(text);
  if (!title) throw new ArticleError("The page has no text.");
  return newsDocument({ title, body: text, meta: { title, source: meta.siteName, url: meta.url }, rawDate: meta.published });
}

/**
 * A saved web page: its readable part (navigation, related links, footers and cookie banners dropped by
 * Readability), h2/h3 headings as sections; title, site name, published date and canonical URL from its metadata.
 */
export function extractHtmlDocument(bytes: Uint8Array, fileName: string): ExtractedDocument {
  const html = decodeUtf8(bytes, fileName);
  const { document } = parseHtmlDocument(html);
  const meta = pageMetadata(document);
  const blocks = readableBlocks(document, meta.title);
  if (!blocks) {
    try {
      return wholePageDocument(html, meta);
    } catch (error) {
      throw error instanceof ArticleError ? new ArticleError(`${fileName} has no readable text.`) : error;
    }
  }
  const { text, sections } = textFromBlocks(blocks);
  const title = meta.title ?? blocks[0]!.text;
  return {
    text,
    pages: [],
    sections,
    metadata: { title, source: meta.siteName, date: normaliseDate(meta.published) ?? undefined, url: meta.url },
  };
}

export const htmlFormat: DocumentFormat = {
  kind: "html",
  extensions: [".html", ".htm"],
  mediaTypes: ["text/html", "application/xhtml+xml"],
  // Saved pages are text; any text is accepted (an .html holding plain text reads as a page without markup).
  sniff: looksLikeText,
  heavy: false,
  extract: async (bytes, ctx) => extractHtmlDocument(bytes, ctx.fileName),
};

