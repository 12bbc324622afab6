import { decodePostings, encodePostings } from "./bm25/codec.js";
import { emptyPostings, FIELDS, mergePostings, pendingDocument, TermDictionary, type Field, type PendingDocument, type Postings } from "./bm25/postings.js";
import { TopK } from "./bm25/top-k.js";
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
const FIELD_BOOST: Record<Field, number> = { title: 1.5, text: 1 };

/** BM25+ parameters (k1, b, and the lower bound δ for a matching term), as MiniSearch uses by default. */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;

/**
 * BM25 over passage text and article title, with Orama's Indonesian stemmer and stopwords.
 *
 * Hand-written on purpose. The scoring is the one MiniSearch uses (BM25+, per-field statistics, title
 * boost, score × number of distinct query terms matched), which the retrieval figures were tuned with. But
 * MiniSearch keeps postings in nested Maps and builds a result object for every matching document: at
 * ~91k news passages that measured search p50 93–263 ms, p95 0.6–1 s (common words match half the
 * passages) and 9.9 s to load the saved index. No maintained JS library does top-k BM25 over compact
 * arrays, so this one keeps the postings in typed arrays (src/index/bm25/), accumulates scores in a
 * reused array and keeps only the best `limit`. Swappable: the rest of the pipeline sees only
 * add/remove/search/serialize/terms.
 */
export class LexicalIndex {
  private postings: Postings;
  /** The postings' terms, plus those of documents added since the last merge. */
  private dictionary: TermDictionary;
  /** Per field: k1·(1 − b + b·length/average) for each document, precomputed for the scoring loop. */
  private norms!: Record<Field, Float32Array>;
  /** Changes not merged into `postings` yet (merged on the next search or serialize). */
  private pending: PendingDocument[] = [];
  private readonly removed = new Set<string>();
  private pendingIds = new Set<string>();
  // Scratch arrays for scoring, reused across searches (searches are synchronous, so never shared).
  private scores = new Float64Array(0);
  private matched = new Uint16Array(0);
  private lastTerm = new Int32Array(0);
  private termSerial = 0;

  private constructor(postings: Postings) {
    this.postings = postings;
    this.dictionary = new TermDictionary(postings.terms);
    this.prepare();
  }

  static empty(): LexicalIndex {
    return new LexicalIndex(emptyPostings());
  }

  static deserialize(bytes: Uint8Array): LexicalIndex {
    return new LexicalIndex(decodePostings(bytes));
  }

  /** The index file as consecutive pieces, mostly views on the postings (write them in order; see bm25/codec.ts). */
  serialize(): Uint8Array[] {
    this.merge();
    return encodePostings(this.postings);
  }

  /** Passages in the index. */
  get documentCount(): number {
    this.merge();
    return this.postings.ids.length;
  }

  async add(documents: LexicalDocument[]): Promise<void> {
    for (const document of documents) {
      // Adding an id that is already there replaces that passage.
      if (this.pendingIds.has(document.id)) this.pending = this.pending.filter((pending) => pending.id !== document.id);
      this.removed.add(document.id);
      this.pendingIds.add(document.id);
      this.pending.push(pendingDocument(document.id, { title: indonesianTerms(document.title), text: indonesianTerms(document.text) }, this.dictionary));
    }
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      this.removed.add(id);
      if (this.pendingIds.delete(id)) this.pending = this.pending.filter((pending) => pending.id !== id);
    }
  }

  /** The best `limit` passages for the query's terms (any of them), by BM25 score. */
  async search(query: string, limit: number): Promise<LexicalHit[]> {
    this.merge();
    const multiplicity = new Map<number, number>();
    for (const term of indonesianTerms(query)) {
      const t = this.dictionary.find(term);
      if (t !== undefined) multiplicity.set(t, (multiplicity.get(t) ?? 0) + 1);
    }
    if (multiplicity.size === 0 || limit <= 0) return [];
    const { ids, fields } = this.postings;
    const documentCount = ids.length;
    const { scores, matched, lastTerm } = this;
    const touched: number[] = [];
    for (const [t, times] of multiplicity) {
      const serial = this.nextSerial();
      for (const field of FIELDS) {
        const { offsets, docs, freqs } = fields[field];
        const start = offsets[t]!;
        const end = offsets[t + 1]!;
        const matching = end - start;
        if (matching === 0) continue;
        const idf = Math.log(1 + (documentCount - matching + 0.5) / (matching + 0.5));
        const weight = times * FIELD_BOOST[field] * idf;
        const norm = this.norms[field];
        for (let p = start; p < end; p++) {
          const doc = docs[p]!;
          const tf = freqs[p]!;
          if (lastTerm[doc] !== serial) {
            if (matched[doc] === 0) touched.push(doc);
            lastTerm[doc] = serial;
            matched[doc]!++;
          }
          scores[doc]! += weight * (DELTA + (tf * (K1 + 1)) / (tf + norm[doc]!));
        }
      }
    }
    const best = new TopK(limit);
    for (const doc of touched) {
      best.offer(doc, scores[doc]! * matched[doc]!);
      scores[doc] = 0;
      matched[doc] = 0;
    }
    return best.sorted().map(({ item, score }) => ({ id: ids[item]!, score }));
  }

  /** In how many passages a term occurs (in the field where it is most common), for IDF weights outside BM25. */
  documentFrequency(term: string): number {
    this.merge();
    const t = this.dictionary.find(term);
    if (t === undefined) return 0;
    return Math.max(...FIELDS.map((field) => this.postings.fields[field].offsets[t + 1]! - this.postings.fields[field].offsets[t]!));
  }

  /** The stemmed, stopword-free terms of a text, exactly as the index sees them. */
  terms(text: string): string[] {
    return indonesianTerms(text);
  }

  private nextSerial(): number {
    if (this.termSerial === 0x7fffffff) {
      this.lastTerm.fill(0);
      this.termSerial = 0;
    }
    return ++this.termSerial;
  }

  /**
   * Folds added and removed documents into the compact postings now rather than at the next search. A large
   * build calls it every few thousand passages: a pending document costs about three times its postings.
   */
  merge(): void {
    if (this.pending.length === 0 && this.removed.size === 0) return;
    this.postings = mergePostings(this.postings, this.removed, this.pending, this.dictionary);
    this.dictionary = new TermDictionary(this.postings.terms);
    this.pending = [];
    this.pendingIds = new Set();
    this.removed.clear();
    this.prepare();
  }

  private prepare(): void {
    const count = this.postings.ids.length;
    this.norms = {} as Record<Field, Float32Array>;
    for (const field of FIELDS) {
      const { lengths } = this.postings.fields[field];
      let total = 0;
      for (let doc = 0; doc < count; doc++) total += lengths[doc]!;
      const average = total / Math.max(1, count) || 1;
      const norm = new Float32Array(count);
      for (let doc = 0; doc < count; doc++) norm[doc] = K1 * (1 - B + (B * lengths[doc]!) / average);
      this.norms[field] = norm;
    }
    if (this.scores.length < count) {
      this.scores = new Float64Array(count);
      this.matched = new Uint16Array(count);
      this.lastTerm = new Int32Array(count);
    }
  }
}
