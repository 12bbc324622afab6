import type { Language } from "../retrieval/language.js";

/** A numbered source; numbers are assigned in code, in order of first use. */
export interface Citation {
  number: number;
  articleId: string;
  title: string;
  source: string | null;
  date: string | null;
  url: string | null;
}

export interface QuotedSentence {
  text: string;
  /** The sentence that best answers the question (exactly one per answer). */
  best: boolean;
}

/** Verbatim sentences from one article, shown under one citation. */
export interface Quote {
  citation: number;
  passageId: string;
  sentences: QuotedSentence[];
}

/** One retrieved passage, best first. */
export interface AnswerResult {
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
  found: boolean;
  quotes: Quote[];
  citations: Citation[];
  results: AnswerResult[];
}
