import type { AnswerType } from "../retrieval/answer-type.js";
import type { Language } from "../retrieval/language.js";

/**
 * `direct`: a quoted sentence states the kind of fact asked for (shown in bold). `related`: relevant passages,
 * but no sentence holds the asked kind of answer (quoted without a bold answer). `none`: nothing relevant.
 */
export type AnswerKind = "direct" | "related" | "none";

/** Where a quote stands in its source document, and the link that opens it there. */
export interface QuoteLocation {
  /** Page of the source document (PDF), null when it has no pages. */
  page: number | null;
  /** "Pasal 5" or a heading, null when the source has no sections. */
  section: string | null;
  /** The quote was recognised from a scan (OCR). */
  ocr: boolean;
  /** `url` opening at the quote: a web page's text fragment (#:~:text=…), a PDF's #page=N. */
  link: string | null;
}

/** A numbered source; numbers are assigned in code, in order of first use. Located at its best quote. */
export interface Citation extends QuoteLocation {
  number: number;
  articleId: string;
  title: string;
  source: string | null;
  date: string | null;
  url: string | null;
}

export interface QuotedSentence {
  text: string;
  /** The sentence that best answers the question (exactly one in a direct answer, none in a related one). */
  best: boolean;
}

/** Verbatim sentences from one article, shown under one citation. */
export interface Quote {
  citation: number;
  passageId: string;
  sentences: QuotedSentence[];
}

/** One retrieved passage, best first; its location is the passage's first page and its section. */
export interface AnswerResult extends QuoteLocation {
  rank: number;
  /** 0–1 relevance estimate. */
  score: number;
  articleId: string;
  passageId: string;
  title: string;
  source: string | null;
  date: string | null;
  url: string | null;
  passage: string;
  /** The passage's sentence(s) that best match the question, verbatim. */
  quote: string;
}

export interface Answer {
  question: string;
  lang: Language;
  /** True for direct and related answers. */
  found: boolean;
  kind: AnswerKind;
  /** The kind of answer the question words ask for, when they say. */
  asked?: AnswerType | undefined;
  quotes: Quote[];
  citations: Citation[];
  results: AnswerResult[];
}
