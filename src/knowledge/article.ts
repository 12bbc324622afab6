import type { PageSpan, SectionSpan } from "./formats/types.js";

/** An article as the rest of the pipeline sees it: cleaned text plus what a citation shows. */
export interface Article {
  /**
   * Stable id derived from the file's path inside the knowledge folder: "banyuwangi-rujukan-e-government",
   * or "regulasi/perpres-95-2018" for regulasi/Perpres 95 2018.pdf.
   */
  id: string;
  /** Path of the file inside the knowledge folder, "/"-separated. */
  file: string;
  title: string;
  /** Outlet or publisher, e.g. "Bisnis.com"; null when neither the file nor the text names one. */
  source: string | null;
  /** ISO date (YYYY-MM-DD) of publication when known. */
  date: string | null;
  url: string | null;
  /** Cleaned body; every quote the bot shows is an exact substring of it. */
  text: string;
  /** Pages of the source document (PDF) as offsets into `text`; absent for texts without pages. */
  pages?: PageSpan[];
  /** Sections (BAB, Pasal, ayat, headings) as offsets into `text`, outermost first where they start together. */
  sections?: SectionSpan[];
  /** sha256 over everything that affects the index (text, metadata, cleaning version). */
  contentHash: string;
  /** Size and modification time of the file when it was read; an unchanged file is not parsed again. */
  fileStat?: { size: number; mtimeMs: number; sidecarMtimeMs?: number };
}

export interface ArticleMetadata {
  title?: string | undefined;
  source?: string | undefined;
  date?: string | undefined;
  url?: string | undefined;
}

/** A file that could not become an article, with a message an admin can act on. */
export interface ArticleProblem {
  file: string;
  message: string;
}
