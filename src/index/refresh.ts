import fs from "node:fs/promises";
import path from "node:path";
import type { Embedder } from "../embedding/embedder.js";
import type { Article, ArticleProblem } from "../knowledge/article.js";
import { articleIdFromFileName } from "../knowledge/parse.js";
import { chunkArticle, DEFAULT_CHUNKING, type ChunkOptions } from "../passages/chunk.js";
import type { LocatedPassage } from "../passages/passage.js";
import { LexicalIndex } from "./lexical-index.js";
import { INDEX_FORMAT_VERSION, LEXICAL_FILE, VECTORS_FILE, type Manifest } from "./manifest.js";
import { IndexSnapshot, PackedPassage, passageId, type StoredDocuments, type StoredPassage } from "./snapshot.js";
import { writeGeneration, type WriteStage } from "./store.js";
import { VectorIndex } from "./vector-index.js";

/** What a refresh did, LangChain-indexing style. */
export interface RefreshReport {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  passagesEmbedded: number;
  /** Files that could not be read; an article indexed before keeps its previous version. */
  problems: ArticleProblem[];
  seconds: number;
  /** Set when the whole index was rebuilt, with the reason. */
  rebuilt?: string;
}

export type RefreshStage = "embedding" | WriteStage;

export interface RefreshOptions {
  dataDir: string;
  articles: Article[];
  problems: ArticleProblem[];
  embedder: Embedder;
  /** The index now serving; undefined builds from scratch. */
  previous: IndexSnapshot | undefined;
  rebuildReason?: string;
  chunking?: ChunkOptions;
  /** Recorded in the manifest (see chunkingKey). */
  pseudoEnglish?: boolean;
  /** The text the embedder sees for a passage (default: title + passage). */
  embeddingText?: (article: Article, passageText: string) => string;
  onProgress?: (done: number, total: number) => void;
  /** Called as each stage begins (crash-safety tests stop the process here). */
  onStage?: (stage: RefreshStage) => Promise<void>;
}

/** Compact the vector index once deleted slots exceed this share of live ones. */
const COMPACT_RATIO = 0.3;
/** Passages embedded and indexed together: enough to keep the model busy, small enough to bound memory. */
const EMBED_BATCH_PASSAGES = 256;
/** BM25 additions are merged into the compact postings every this many batches (each merge is one pass). */
const LEXICAL_MERGE_BATCHES = 16;
/**
 * A refresh that embedded at least this many passages (about half a minute of embedding or more) releases the
 * embedder's passage model before writing, the refresh's memory peak: loading it again for a next refresh costs
 * about a second, nothing next to that. Smaller refreshes (uploads, edits) keep it for the next one.
 */
const RELEASE_MODEL_AFTER_PASSAGES = 2_048;

/** A chunked passage as the index keeps it, its sentence offsets appended to `bounds` (shared by the refresh's passages). */
function storedPassage(label: number, passage: LocatedPassage, bounds: number[]): StoredPassage {
  const { articleId, index, start, end, firstPage, lastPage, ocr, section, chapter } = passage;
  const from = bounds.length / 2;
  for (const sentence of passage.sentences) bounds.push(sentence.start, sentence.end);
  return new PackedPassage(label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, bounds, from, bounds.length / 2);
}

interface FreshPassage {
  article: Article;
  stored: StoredPassage;
}

/**
 * The changed articles' passages in batches of EMBED_BATCH_PASSAGES, chunked only as the batches are taken. The
 * total is known once the last article is chunked; until then it is estimated from the text still to chunk, at the
 * characters per passage seen so far (exact from the start when one article changed, e.g. an upload).
 */
class PassageBatches implements Iterable<FreshPassage[]> {
  private chunked = 0;
  private charsChunked = 0;
  private charsLeft: number;

  constructor(
    private readonly articles: readonly Article[],
    private readonly chunking: ChunkOptions,
    public nextLabel: number,
    private readonly sentenceBounds: number[],
  ) {
    this.charsLeft = articles.reduce((sum, article) => sum + article.text.length, 0);
  }

  estimatedTotal(): number {
    if (this.charsLeft === 0) return this.chunked;
    const charsPerPassage = this.chunked > 0 ? this.charsChunked / this.chunked : 6 * this.chunking.maxWords;
    return this.chunked + Math.ceil(this.charsLeft / charsPerPassage);
  }

  *[Symbol.iterator](): Iterator<FreshPassage[]> {
    let pending: FreshPassage[] = [];
    for (const article of this.articles) {
      for (const passage of chunkArticle(article, this.chunking)) {
        pending.push({ article, stored: storedPassage(this.nextLabel++, passage, this.sentenceBounds) });
        this.chunked++;
      }
      this.charsChunked += article.text.length;
      this.charsLeft -= article.text.length;
      while (pending.length >= EMBED_BATCH_PASSAGES || (this.charsLeft === 0 && pending.length > 0)) {
        const batch = pending.slice(0, EMBED_BATCH_PASSAGES);
        pending = pending.slice(EMBED_BATCH_PASSAGES);
        yield batch;
      }
    }
  }
}

/** Everything about passages and their embedded text that, when changed, makes stored vectors stale. */
export function chunkingKey(chunking: ChunkOptions = DEFAULT_CHUNKING, pseudoEnglish = true): string {
  return `v3:${chunking.minWords}-${chunking.maxWords}/${chunking.overlapMaxWords}${pseudoEnglish ? "+pseudo-english" : ""}`;
}

/** The text embedded for a passage: its article title gives short passages their topic. */
export function passageEmbeddingText(article: Pick<Article, "title">, passageText: string): string {
  return article.title ? `${article.title}. ${passageText}` : passageText;
}

/**
 * Brings the index in line with the knowledge folder: only new or changed articles are split and
 * embedded (content hash), removed ones leave both indexes, and the result is written as a new
 * generation that replaces the old one atomically. The previous snapshot keeps serving meanwhile. Old
 * generations are left for the caller to prune once it has let go of the previous one.
 */
export async function refreshIndex(options: RefreshOptions): Promise<{ snapshot: IndexSnapshot; report: RefreshReport }> {
  const started = performance.now();
  const { previous, embedder } = options;
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const problems = [...options.problems];
  const articles = new Map(options.articles.map((article) => [article.id, article]));

  // A file that became unreadable keeps its last good version in the index rather than vanishing.
  for (const problem of problems) {
    const id = articleIdFromFileName(problem.file);
    const kept = previous ? [...previous.articles.values()].find((article) => article.file === problem.file || article.id === id) : undefined;
    if (kept && !articles.has(kept.id)) {
      articles.set(kept.id, kept);
      problem.message += " The previously indexed version is kept.";
    }
  }

  const report: RefreshReport = { added: [], updated: [], removed: [], unchanged: 0, passagesEmbedded: 0, problems, seconds: 0 };
  if (options.rebuildReason) report.rebuilt = options.rebuildReason;
  const changed: Article[] = [];
  for (const article of articles.values()) {
    const before = previous?.articles.get(article.id);
    if (!before) {
      report.added.push(article.id);
      changed.push(article);
    } else if (before.contentHash !== article.contentHash) {
      report.updated.push(article.id);
      changed.push(article);
    } else report.unchanged++;
  }
  if (previous) for (const id of previous.articles.keys()) if (!articles.has(id)) report.removed.push(id);

  const nothingChanged = changed.length === 0 && report.removed.length === 0;
  if (previous && nothingChanged) {
    report.seconds = (performance.now() - started) / 1000;
    return { snapshot: previous, report };
  }

  // Fresh copies of the serving indexes, so questions keep using the untouched previous ones.
  const previousDir = previous ? path.join(options.dataDir, previous.generation) : undefined;
  let vectors = previous ? await VectorIndex.read(path.join(previousDir!, VECTORS_FILE), embedder.dimensions, previous.vectors.liveCount) : VectorIndex.empty(embedder.dimensions);
  const lexical = previous ? LexicalIndex.deserialize(await fs.readFile(path.join(previousDir!, LEXICAL_FILE))) : LexicalIndex.empty();
  const passages = new Map<number, StoredPassage>(previous ? previous.passagesByLabel : []);
  const labelsOf = new Map<string, number[]>(previous ? Object.entries(previous.manifest.articles).map(([id, entry]) => [id, entry.labels]) : []);

  for (const id of [...report.updated, ...report.removed]) {
    const stale = (labelsOf.get(id) ?? []).map((label) => passages.get(label)).filter((passage) => passage !== undefined);
    for (const passage of stale) {
      vectors.remove(passage.label);
      passages.delete(passage.label);
    }
    await lexical.remove(stale.map(passageId));
    labelsOf.delete(id);
  }

  await options.onStage?.("embedding");
  if (vectors.deletedCount > COMPACT_RATIO * Math.max(1, vectors.liveCount)) {
    const compacted = VectorIndex.empty(embedder.dimensions, Math.max(1024, passages.size + 1024));
    for (const label of passages.keys()) compacted.add(label, vectors.vector(label));
    vectors = compacted;
  }
  // Articles are chunked as their passages are embedded, a batch at a time, and only the passages' offsets are
  // kept: their text, its rendering for the embedder and the vectors exist for one batch. Chunking every article
  // up front instead left a full build's heap ~200 MB higher while the passage model loaded.
  const sentenceBounds: number[] = [];
  const batches = new PassageBatches(changed, chunking, previous?.manifest.nextLabel ?? 0, sentenceBounds);
  const embeddingText = options.embeddingText ?? passageEmbeddingText;
  let embeddedCount = 0;
  let batchNumber = 0;
  for (const batch of batches) {
    const start = embeddedCount;
    const texts = batch.map(({ article, stored }) => article.text.slice(stored.start, stored.end));
    const embedded = await embedder.embedPassages(
      batch.map(({ article }, i) => embeddingText(article, texts[i]!)),
      (done) => options.onProgress?.(start + done, batches.estimatedTotal()),
    );
    batch.forEach(({ article, stored }, i) => {
      vectors.add(stored.label, embedded[i]!);
      passages.set(stored.label, stored);
      labelsOf.set(article.id, [...(labelsOf.get(article.id) ?? []), stored.label]);
    });
    await lexical.add(batch.map(({ article, stored }, i) => ({ id: passageId(stored), title: article.title, text: texts[i]! })));
    if (++batchNumber % LEXICAL_MERGE_BATCHES === 0) lexical.merge();
    embeddedCount += batch.length;
  }
  const nextLabel = batches.nextLabel;
  options.onProgress?.(embeddedCount, embeddedCount);
  report.passagesEmbedded = embeddedCount;
  if (embeddedCount >= RELEASE_MODEL_AFTER_PASSAGES) await embedder.releasePassageModel?.();

  const manifestArticles: Manifest["articles"] = {};
  for (const article of articles.values()) manifestArticles[article.id] = { file: article.file, contentHash: article.contentHash, labels: labelsOf.get(article.id) ?? [] };
  const manifest: Omit<Manifest, "files"> = {
    formatVersion: INDEX_FORMAT_VERSION,
    model: { id: embedder.modelId, dimensions: embedder.dimensions },
    chunking: chunkingKey(chunking, options.pseudoEnglish ?? true),
    builtAt: new Date().toISOString(),
    nextLabel,
    liveVectors: vectors.liveCount,
    articles: manifestArticles,
  };
  const documents: StoredDocuments = { articles: [...articles.values()].sort((a, b) => a.id.localeCompare(b.id)), passages: [...passages.values()].sort((a, b) => a.label - b.label) };
  const generation = await writeGeneration(options.dataDir, manifest, documents, vectors, lexical, options.onStage);
  const snapshot = new IndexSnapshot({ ...manifest, files: {} }, documents, vectors, lexical, generation);
  report.seconds = (performance.now() - started) / 1000;
  return { snapshot, report };
}
