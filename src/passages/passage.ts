import type { SourceLocation } from "../knowledge/locate.js";
import type { Span } from "./sentences.js";

/** A retrievable piece of an article: a run of whole sentences, ~40–90 words. */
export interface Passage {
  /** `${articleId}#${index}` */
  id: string;
  articleId: string;
  /** Position of the passage within its article, from 0. */
  index: number;
  /** Character offsets into the article's cleaned text. */
  start: number;
  end: number;
  text: string;
  /** The passage's sentences, as offsets into the article's cleaned text. */
  sentences: Span[];
}

/** A passage with where it lies in its source document (page range, OCR, Pasal or heading). */
export type LocatedPassage = Passage & SourceLocation;
