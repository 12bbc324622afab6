/** An article as the rest of the pipeline sees it: cleaned text plus what a citation shows. */
export interface Article {
  /** Stable id derived from the file name (e.g. "banyuwangi-rujukan-e-government"). */
  id: string;
  /** File name inside the knowledge folder. */
  file: string;
  title: string;
  /** Outlet or publisher, e.g. "Bisnis.com"; null when neither the file nor the text names one. */
  source: string | null;
  /** ISO date (YYYY-MM-DD) of publication when known. */
  date: string | null;
  url: string | null;
  /** Cleaned body; every quote the bot shows is an exact substring of it. */
  text: string;
  /** sha256 over everything that affects the index (text, metadata, cleaning version). */
  contentHash: string;
  /** Size and modification time of the file when it was read; an unchanged file is not parsed again. */
  fileStat?: { size: number; mtimeMs: number };
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

export const SUPPORTED_EXTENSIONS = [".txt", ".md", ".markdown", ".html", ".htm"] as const;
