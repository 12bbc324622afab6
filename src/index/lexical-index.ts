import MiniSearch from "minisearch";
import { indonesianTerms } from "./indonesian-tokenizer.js";

export interface LexicalDocument {
  id: string;
  title: string;
  text: string;
}

export interface LexicalHit {
  id: string;
  score: number;
}

/** Title words count more than body words: a title names what the whole article is about. */
const TITLE_BOOST = 1.5;

const OPTIONS = {
  fields: ["title", "text"],
  idField: "id",
  // Terms arrive stemmed and stopword-free from the Indonesian tokenizer; MiniSearch only counts them.
  tokenize: (text: string) => indonesianTerms(text),
  processTerm: (term: string) => term,
  searchOptions: { boost: { title: TITLE_BOOST }, prefix: false, fuzzy: false, combineWith: "OR" as const },
};

/**
 * BM25 over passage text and article title (MiniSearch), with Orama's Indonesian stemmer and stopwords.
 * MiniSearch rather than Orama's own index: Orama always prefix-matches query terms ("kota" also finds
 * "kotak", "kotamadya"), which measurably hurt ranking (see docs/benchmarks.md). Swappable: the rest of
 * the pipeline sees only add/remove/search/serialize.
 */
export class LexicalIndex {
  private constructor(private readonly index: MiniSearch<LexicalDocument>) {}

  static empty(): LexicalIndex {
    return new LexicalIndex(new MiniSearch<LexicalDocument>(OPTIONS));
  }

  static deserialize(json: string): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJSON<LexicalDocument>(json, OPTIONS));
  }

  serialize(): string {
    return JSON.stringify(this.index);
  }

  async add(documents: LexicalDocument[]): Promise<void> {
    if (documents.length > 0) await this.index.addAllAsync(documents, { chunkSize: 500 });
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) if (this.index.has(id)) this.index.discard(id);
  }

  async search(query: string, limit: number): Promise<LexicalHit[]> {
    if (query.trim() === "") return [];
    return this.index
      .search(query)
      .slice(0, limit)
      .map((hit) => ({ id: String(hit.id), score: hit.score }));
  }

  /** The stemmed, stopword-free terms of a text, exactly as the index sees them. */
  terms(text: string): string[] {
    return indonesianTerms(text);
  }
}
