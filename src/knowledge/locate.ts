import type { Article } from "./article.js";
import { AYAT_LEVEL } from "./formats/regulation.js";

/** Where a stretch of an article lies in its source document: pages and the section it begins in. */
export interface SourceLocation {
  /** 1-based page where it begins, null for sources without pages. */
  firstPage: number | null;
  lastPage: number | null;
  /** Some of it was recognised by OCR. */
  ocr: boolean;
  /** Innermost titled section it begins in: "Pasal 5", a heading; null outside any. */
  section: string | null;
  /** Outermost section it begins in when that is another one: the BAB around a Pasal, a document's top heading. */
  chapter: string | null;
}

/** Sections a passage or citation names; an ayat is too fine ("Pasal 5" is what people cite). */
function citable(level: number): boolean {
  return level < AYAT_LEVEL;
}

/** Offsets where a new passage should begin: the start of every citable section (Pasal, BAB, heading). */
export function sectionBreaks(article: Pick<Article, "sections">): number[] {
  return [...new Set((article.sections ?? []).filter((section) => citable(section.level)).map((section) => section.start))].sort((a, b) => a - b);
}

/** The pages the text between `start` and `end` of an article lies on, and whether any of them was OCR'd. */
export function pageRange(article: Pick<Article, "pages">, start: number, end: number): Pick<SourceLocation, "firstPage" | "lastPage" | "ocr"> {
  const pages = (article.pages ?? []).filter((page) => page.end > page.start && page.start < Math.max(end, start + 1) && page.end > start);
  return { firstPage: pages[0]?.number ?? null, lastPage: pages[pages.length - 1]?.number ?? null, ocr: pages.some((page) => page.ocr) };
}

/** The innermost citable section holding the offset ("Pasal 5", a heading) and the outermost, when another. */
export function sectionAt(article: Pick<Article, "sections">, offset: number): Pick<SourceLocation, "section" | "chapter"> {
  const enclosing = (article.sections ?? []).filter((section) => citable(section.level) && section.start <= offset && offset < Math.max(section.end, section.start + 1));
  enclosing.sort((a, b) => b.level - a.level || b.start - a.start);
  const innermost = enclosing[0];
  const outermost = enclosing[enclosing.length - 1];
  return { section: innermost?.title ?? null, chapter: outermost && outermost !== innermost ? outermost.title : null };
}
