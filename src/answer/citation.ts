import path from "node:path";
import type { Article } from "../knowledge/article.js";
import { formatDate } from "../knowledge/dates.js";
import type { Language } from "../retrieval/language.js";
import type { Citation, QuoteLocation } from "./answer.js";

type Labelled = Pick<Citation, "title" | "source" | "date"> & Partial<Pick<QuoteLocation, "page" | "section" | "ocr">>;

/** "Pasal 5" → "Article 5", "BAB II" → "Chapter II" for English readers; headings stay as written. */
function sectionLabel(section: string, lang: Language): string {
  if (lang === "id") return section;
  return section.replace(/^Pasal\b/, "Article").replace(/^BAB\b/, "Chapter");
}

/** "Pasal 5, hlm. 4, hasil OCR" / "Article 5, p. 4, OCR text" (the parts that are known), or "". */
export function locationLabel(location: Partial<Pick<QuoteLocation, "page" | "section" | "ocr">>, lang: Language): string {
  return [location.section ? sectionLabel(location.section, lang) : null, location.page ? `${lang === "en" ? "p." : "hlm."} ${location.page}` : null, location.ocr ? (lang === "en" ? "OCR text" : "hasil OCR") : null].filter(Boolean).join(", ");
}

/** "Title — Outlet, 24 September 2019" or "Title — Pasal 5, hlm. 4" (the parts that are known). */
export function citationLabel(citation: Labelled, lang: Language): string {
  const details = [citation.source, citation.date ? formatDate(citation.date, lang) : null, locationLabel(citation, lang)].filter(Boolean).join(", ");
  return details ? `${citation.title} — ${details}` : citation.title;
}

/** Words of a long quote's start and end that a text fragment names. */
const FRAGMENT_EDGE_WORDS = 5;
/** Quotes longer than this are named by their start and end in a text fragment. */
const FRAGMENT_MAX_CHARS = 120;

/** Percent-encoding for a text fragment term: its syntax characters (&, -, ,) too. */
function fragmentTerm(text: string): string {
  return encodeURIComponent(text).replace(/-/g, "%2D").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A URL text fragment (#:~:text=…) that makes browsers scroll to and highlight the quote. */
export function textFragment(quote: string): string {
  const words = quote.replace(/\s+/g, " ").trim().split(" ");
  const directive =
    quote.length <= FRAGMENT_MAX_CHARS || words.length <= 2 * FRAGMENT_EDGE_WORDS
      ? fragmentTerm(words.join(" "))
      : `${fragmentTerm(words.slice(0, FRAGMENT_EDGE_WORDS).join(" "))},${fragmentTerm(words.slice(-FRAGMENT_EDGE_WORDS).join(" "))}`;
  return `:~:text=${directive}`;
}

/**
 * The source's URL opening where the quote is: a PDF at its page (#page=N), a web page at the quoted sentence
 * (a text fragment; browsers without support just open the page). Null when the article has no URL.
 */
export function deepLink(article: Pick<Article, "url" | "file">, quote: string, page: number | null): string | null {
  if (!article.url) return null;
  const [base, fragment] = article.url.split("#", 2) as [string, string | undefined];
  const extension = path.extname(article.file).toLowerCase();
  if (extension === ".pdf") return page ? `${base}#page=${page}` : article.url;
  if (extension === ".docx" || quote.trim() === "") return article.url;
  return `${base}#${fragment ?? ""}${textFragment(quote)}`;
}
