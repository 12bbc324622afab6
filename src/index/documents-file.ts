import type { Article } from "../knowledge/article.js";
import { PackedPassage, type StoredDocuments, type StoredPassage } from "./snapshot.js";

/** An article in documents.json: everything but its text, which lives in texts.bin at these byte offsets. */
type StoredArticle = Omit<Article, "text"> & { textBytes: [number, number] };

/** Passages as columns of numbers (JSON.parse reads flat number arrays far faster than 90k small objects). */
interface PassageColumns {
  label: number[];
  /** Position of the passage's article in `articles`. */
  article: number[];
  index: number[];
  start: number[];
  end: number[];
  /** First and last page of the source document (0: no pages), and 1 when some of it was OCR'd. */
  firstPage: number[];
  lastPage: number[];
  ocr: number[];
  /** Position of the passage's section and chapter titles in `sectionTitles`, -1 for none. */
  section: number[];
  chapter: number[];
  sectionTitles: string[];
  /** Passage p's sentences are pairs sentenceStart[p] … sentenceStart[p + 1] - 1 of `bounds` (start, end). */
  sentenceStart: number[];
  bounds: number[];
}

interface DocumentsJson {
  articles: StoredArticle[];
  passages: PassageColumns;
}

/** Both files are written in pieces of about this size: one buffer per article would mean one write call each. */
const PIECE_BYTES = 1 << 20;

/** Collects UTF-8 pieces of about PIECE_BYTES from many small strings or buffers. */
class Pieces {
  private parts: Buffer[] = [];
  private bytes = 0;

  /** Adds a part; returns a full piece to write when there is one. */
  add(part: string | Buffer): Buffer | undefined {
    const buffer = typeof part === "string" ? Buffer.from(part, "utf8") : part;
    this.parts.push(buffer);
    this.bytes += buffer.length;
    return this.bytes >= PIECE_BYTES ? this.flush() : undefined;
  }

  flush(): Buffer | undefined {
    if (this.bytes === 0) return undefined;
    const piece = Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return piece;
  }
}

/** Every article's text as UTF-8, back to back. */
function* textPieces(articles: readonly Article[], ends: readonly number[]): Generator<Buffer> {
  const pieces = new Pieces();
  for (const [i, article] of articles.entries()) {
    const bytes = Buffer.from(article.text, "utf8");
    // documents.json already holds the offsets: a text that changed since they were taken would corrupt every one after it.
    if (bytes.length !== ends[i]! - (ends[i - 1] ?? 0)) throw new Error(`article ${article.id} changed while the index was written`);
    const piece = pieces.add(bytes);
    if (piece) yield piece;
  }
  const last = pieces.flush();
  if (last) yield last;
}

type NumberColumn = Exclude<keyof PassageColumns, "sectionTitles">;

/**
 * documents.json, written as it is encoded: the articles one by one, then each passage column number by number.
 * At a full build, building the columns as arrays and the whole JSON as one string first put ~100 MB on top of
 * the refresh's peak. The key order is PassageColumns' (JSON.parse gives the same object either way).
 */
function* documentsJsonPieces(documents: StoredDocuments, ends: readonly number[]): Generator<Buffer> {
  const position = new Map(documents.articles.map((article, i) => [article.id, i]));
  const sectionTitles: string[] = [];
  const sectionPosition = new Map<string, number>();
  const titlePosition = (title: string | null): number => {
    if (title === null) return -1;
    if (!sectionPosition.has(title)) sectionPosition.set(title, sectionTitles.push(title) - 1);
    return sectionPosition.get(title)!;
  };
  for (const passage of documents.passages) {
    if (!position.has(passage.articleId)) throw new Error(`passage ${passage.label} belongs to unknown article ${passage.articleId}`);
    titlePosition(passage.section);
    titlePosition(passage.chapter);
  }
  let sentences = 0;
  const columns: Record<NumberColumn, (passage: StoredPassage) => number | number[]> = {
    label: (passage) => passage.label,
    article: (passage) => position.get(passage.articleId)!,
    index: (passage) => passage.index,
    start: (passage) => passage.start,
    end: (passage) => passage.end,
    firstPage: (passage) => passage.firstPage ?? 0,
    lastPage: (passage) => passage.lastPage ?? 0,
    ocr: (passage) => (passage.ocr ? 1 : 0),
    section: (passage) => titlePosition(passage.section),
    chapter: (passage) => titlePosition(passage.chapter),
    // Preceded by a 0: passage p's sentences are sentenceStart[p] … sentenceStart[p + 1] - 1.
    sentenceStart: (passage) => (sentences += passage.sentences.length),
    bounds: (passage) => passage.sentences.flat(),
  };

  const pieces = new Pieces();
  function* emit(part: string): Generator<Buffer> {
    const piece = pieces.add(part);
    if (piece) yield piece;
  }
  yield* emit('{"articles":[');
  for (const [i, article] of documents.articles.entries()) {
    const { text: _text, ...rest } = article;
    const stored: StoredArticle = { ...rest, textBytes: [ends[i - 1] ?? 0, ends[i]!] };
    yield* emit((i > 0 ? "," : "") + JSON.stringify(stored));
  }
  yield* emit('],"passages":{');
  for (const name of ["label", "article", "index", "start", "end", "firstPage", "lastPage", "ocr", "section", "chapter", "sectionTitles", "sentenceStart", "bounds"] as const) {
    yield* emit(`${name === "label" ? "" : ","}"${name}":`);
    if (name === "sectionTitles") {
      yield* emit(JSON.stringify(sectionTitles));
      continue;
    }
    let line = name === "sentenceStart" ? "[0" : "[";
    let first = name !== "sentenceStart";
    for (const passage of documents.passages) {
      const value = columns[name](passage);
      for (const number of typeof value === "number" ? [value] : value) {
        line += (first ? "" : ",") + number;
        first = false;
      }
      if (line.length >= PIECE_BYTES) {
        yield* emit(line);
        line = "";
      }
    }
    yield* emit(line + "]");
  }
  yield* emit("}}");
  const last = pieces.flush();
  if (last) yield last;
}

/**
 * The documents of a generation as two files: documents.json (metadata and passage offsets, in columns) and
 * texts.bin (every cleaned article text, UTF-8, back to back). At ~100k passages this loads in a fraction of
 * the time a plain JSON of objects and texts took: texts stay bytes and an article's text is decoded only when
 * a question needs it (a few KB, microseconds); a passage's sentence offsets are read from one shared array.
 * Both are encoded while they are iterated (write each one's pieces in order, once), so a full build never holds
 * a second copy of every text, nor its documents.json whole.
 */
export function encodeDocuments(documents: StoredDocuments): { json: Iterable<Buffer>; texts: Iterable<Buffer> } {
  const ends: number[] = [];
  let offset = 0;
  for (const article of documents.articles) ends.push((offset += Buffer.byteLength(article.text, "utf8")));
  return { json: documentsJsonPieces(documents, ends), texts: textPieces(documents.articles, ends) };
}

/** Reads what encodeDocuments wrote; each article's `text` is a getter that decodes its bytes on use. */
export function decodeDocuments(json: string, texts: Buffer): StoredDocuments {
  const parsed = JSON.parse(json) as DocumentsJson;
  const articles = parsed.articles.map((stored) => {
    const { textBytes, ...rest } = stored;
    const [from, to] = textBytes;
    if (!(from >= 0 && to >= from && to <= texts.length)) throw new Error(`article ${stored.id}: text offsets outside texts.bin`);
    // Enumerable, so spreading or serialising the article sees its text like any other field.
    return Object.defineProperty(rest, "text", { get: () => texts.toString("utf8", from, to), enumerable: true }) as Article;
  });
  const columns = parsed.passages;
  const bounds = Uint32Array.from(columns.bounds);
  const passages: StoredPassage[] = columns.label.map((label, p) => {
    const article = articles[columns.article[p]!];
    if (!article) throw new Error(`passage ${label}: unknown article`);
    const title = (position: number): string | null => (position < 0 ? null : columns.sectionTitles[position]!);
    return new PackedPassage(label, article.id, columns.index[p]!, columns.start[p]!, columns.end[p]!, columns.firstPage[p]! || null, columns.lastPage[p]! || null, columns.ocr[p] === 1, title(columns.section[p]!), title(columns.chapter[p]!), bounds, columns.sentenceStart[p]!, columns.sentenceStart[p + 1]!);
  });
  return { articles, passages };
}
