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

/** texts.bin is written in pieces of about this size: one buffer per article would mean one write call each. */
const TEXT_PIECE_BYTES = 1 << 20;

/** Every article's text as UTF-8, back to back, in pieces of ~1 MB encoded as they are written. */
function* textPieces(articles: readonly Article[], ends: readonly number[]): Generator<Buffer> {
  let piece: Buffer[] = [];
  let pieceBytes = 0;
  for (const [i, article] of articles.entries()) {
    const bytes = Buffer.from(article.text, "utf8");
    // documents.json already holds the offsets: a text that changed since they were taken would corrupt every one after it.
    if (bytes.length !== ends[i]! - (ends[i - 1] ?? 0)) throw new Error(`article ${article.id} changed while the index was written`);
    piece.push(bytes);
    pieceBytes += bytes.length;
    if (pieceBytes >= TEXT_PIECE_BYTES) {
      yield Buffer.concat(piece, pieceBytes);
      piece = [];
      pieceBytes = 0;
    }
  }
  if (pieceBytes > 0) yield Buffer.concat(piece, pieceBytes);
}

/**
 * The documents of a generation as two files: documents.json (metadata and passage offsets, in columns) and
 * texts.bin (every cleaned article text, UTF-8, back to back). At ~100k passages this loads in a fraction of
 * the time a plain JSON of objects and texts took: texts stay bytes and an article's text is decoded only when
 * a question needs it (a few KB, microseconds); a passage's sentence offsets are read from one shared array.
 * `texts` is encoded while it is iterated (write its pieces in order, once), so a full build never holds a second
 * copy of every text.
 */
export function encodeDocuments(documents: StoredDocuments): { json: string; texts: Iterable<Buffer> } {
  let offset = 0;
  const ends: number[] = [];
  const position = new Map<string, number>();
  const articles = documents.articles.map((article, i) => {
    const { text, ...rest } = article;
    const length = Buffer.byteLength(text, "utf8");
    position.set(article.id, i);
    const stored: StoredArticle = { ...rest, textBytes: [offset, offset + length] };
    offset += length;
    ends.push(offset);
    return stored;
  });
  const columns: PassageColumns = { label: [], article: [], index: [], start: [], end: [], firstPage: [], lastPage: [], ocr: [], section: [], chapter: [], sectionTitles: [], sentenceStart: [0], bounds: [] };
  const sectionPosition = new Map<string, number>();
  const titlePosition = (title: string | null): number => {
    if (title === null) return -1;
    if (!sectionPosition.has(title)) sectionPosition.set(title, columns.sectionTitles.push(title) - 1);
    return sectionPosition.get(title)!;
  };
  for (const passage of documents.passages) {
    const article = position.get(passage.articleId);
    if (article === undefined) throw new Error(`passage ${passage.label} belongs to unknown article ${passage.articleId}`);
    columns.label.push(passage.label);
    columns.article.push(article);
    columns.index.push(passage.index);
    columns.start.push(passage.start);
    columns.end.push(passage.end);
    columns.firstPage.push(passage.firstPage ?? 0);
    columns.lastPage.push(passage.lastPage ?? 0);
    columns.ocr.push(passage.ocr ? 1 : 0);
    columns.section.push(titlePosition(passage.section));
    columns.chapter.push(titlePosition(passage.chapter));
    for (const [start, end] of passage.sentences) columns.bounds.push(start, end);
    columns.sentenceStart.push(columns.bounds.length / 2);
  }
  const json: DocumentsJson = { articles, passages: columns };
  return { json: JSON.stringify(json), texts: textPieces(documents.articles, ends) };
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
