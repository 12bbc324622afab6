import type { Article } from "../knowledge/article.js";
import type { SourceLocation } from "../knowledge/locate.js";
import type { Passage } from "../passages/passage.js";
import type { LexicalIndex } from "./lexical-index.js";
import type { Manifest } from "./manifest.js";
import type { VectorIndex } from "./vector-index.js";

/** A passage as stored in the index: where it is (in the text and in the source document), not a copy of its text. */
export interface StoredPassage extends SourceLocation {
  label: number;
  articleId: string;
  index: number;
  start: number;
  end: number;
  sentences: Array<[number, number]>;
}

/**
 * A stored passage whose sentence offsets sit in an array shared with other passages (pairs `from` … `to` - 1 of
 * `bounds`, start and end) and are decoded when asked for: at ~100k passages, an array per sentence took ~40 MB.
 */
export class PackedPassage implements StoredPassage {
  constructor(
    readonly label: number,
    readonly articleId: string,
    readonly index: number,
    readonly start: number,
    readonly end: number,
    readonly firstPage: number | null,
    readonly lastPage: number | null,
    readonly ocr: boolean,
    readonly section: string | null,
    readonly chapter: string | null,
    private readonly bounds: ArrayLike<number>,
    private readonly from: number,
    private readonly to: number,
  ) {}

  get sentences(): Array<[number, number]> {
    const sentences: Array<[number, number]> = [];
    for (let i = this.from; i < this.to; i++) sentences.push([this.bounds[2 * i]!, this.bounds[2 * i + 1]!]);
    return sentences;
  }
}

/** The documents file: articles (with cleaned text) and passages by label. */
export interface StoredDocuments {
  articles: Article[];
  passages: StoredPassage[];
}

/**
 * One immutable, fully loaded generation of the index. Questions hold on to the snapshot they started
 * with; a refresh builds a new one and swaps the reference, so nobody sees a half-updated index.
 */
export class IndexSnapshot {
  readonly articles: Map<string, Article>;
  readonly passagesByLabel: Map<number, StoredPassage>;
  readonly passagesById: Map<string, StoredPassage>;

  constructor(
    readonly manifest: Manifest,
    documents: StoredDocuments,
    readonly vectors: VectorIndex,
    readonly lexical: LexicalIndex,
    /** Generation folder it was loaded from. */
    readonly generation: string,
  ) {
    this.articles = new Map(documents.articles.map((article) => [article.id, article]));
    this.passagesByLabel = new Map(documents.passages.map((passage) => [passage.label, passage]));
    this.passagesById = new Map(documents.passages.map((passage) => [passageId(passage), passage]));
  }

  documents(): StoredDocuments {
    return { articles: [...this.articles.values()], passages: [...this.passagesByLabel.values()] };
  }

  passage(stored: StoredPassage): Passage {
    const article = this.articles.get(stored.articleId)!;
    return {
      id: passageId(stored),
      articleId: stored.articleId,
      index: stored.index,
      start: stored.start,
      end: stored.end,
      text: article.text.slice(stored.start, stored.end),
      sentences: stored.sentences.map(([start, end]) => ({ start, end })),
    };
  }
}

export function passageId(passage: { articleId: string; index: number }): string {
  return `${passage.articleId}#${passage.index}`;
}
