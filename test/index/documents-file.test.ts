import { describe, expect, it } from "vitest";
import { decodeDocuments, encodeDocuments } from "../../src/index/documents-file.js";
import type { StoredDocuments } from "../../src/index/snapshot.js";

/** The encoded files as the store writes them: their pieces back to back. */
function encoded(documents: StoredDocuments): { json: string; texts: Buffer; pieces: number; jsonPieces: number } {
  const { json, texts } = encodeDocuments(documents);
  const [jsonPieces, textPieces] = [[...json], [...texts]];
  return { json: Buffer.concat(jsonPieces).toString("utf8"), texts: Buffer.concat(textPieces), pieces: textPieces.length, jsonPieces: jsonPieces.length };
}

const documents: StoredDocuments = {
  articles: [
    { id: "a", file: "a.txt", title: "Jogja", source: null, date: "2017-11-01", url: null, text: "Kalimat pertama. Kalimat kedua — “kutipan” é ✓.", contentHash: "h1", fileStat: { size: 10, mtimeMs: 5 } },
    { id: "regulasi/b", file: "regulasi/b.pdf", title: "Surabaya", source: "Kompas", date: null, url: "https://example.org/b", text: "Teks kedua.", pages: [{ number: 1, start: 0, end: 11, ocr: false }], sections: [{ title: "Pasal 5", level: 4, start: 0, end: 11 }], contentHash: "h2" },
  ],
  passages: [
    { label: 0, articleId: "a", index: 0, start: 0, end: 16, firstPage: 1, lastPage: 1, ocr: false, section: "Pasal 5", chapter: "BAB II", sentences: [[0, 16]] },
    { label: 3, articleId: "a", index: 1, start: 17, end: 47, firstPage: 1, lastPage: 2, ocr: true, section: "Pasal 5", chapter: "BAB II", sentences: [[17, 32], [33, 47]] },
    { label: 7, articleId: "regulasi/b", index: 0, start: 0, end: 11, firstPage: null, lastPage: null, ocr: false, section: null, chapter: null, sentences: [] },
  ],
};

describe("documents file (documents.json + texts.bin)", () => {
  it("round-trips articles (texts with non-ASCII characters, offsets in UTF-16 units, pages, sections) and passages with their page range, OCR flag and section", () => {
    const { json, texts } = encoded(documents);
    expect(json).not.toContain("Kalimat");
    const loaded = decodeDocuments(json, texts);
    expect(loaded.articles.map((article) => ({ ...article }))).toEqual(documents.articles);
    expect(loaded.passages.map(({ label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, sentences }) => ({ label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, sentences }))).toEqual(documents.passages);
    const article = loaded.articles[0]!;
    expect(article.text.slice(loaded.passages[1]!.start, loaded.passages[1]!.end)).toBe(documents.articles[0]!.text.slice(17, 47));
    // A loaded generation can be written again unchanged (what an incremental refresh does).
    const again = encoded(loaded);
    expect(again.json).toBe(json);
    expect(again.texts.equals(texts)).toBe(true);
  });

  it("round-trips texts written in several pieces (a large knowledge base is never one buffer)", () => {
    // Three articles of ~600 KB each (two-byte characters included) span the ~1 MB pieces texts.bin is written in.
    const big = [0, 1, 2].map((n) => ({ ...documents.articles[0]!, id: `big-${n}`, file: `big-${n}.txt`, text: `Artikel ${n} “kutipan” é. `.repeat(24_000) }));
    const files = encoded({ articles: big, passages: [] });
    expect(files.pieces).toBeGreaterThan(1);
    const loaded = decodeDocuments(files.json, files.texts);
    expect(loaded.articles.map((article) => article.text)).toEqual(big.map((article) => article.text));
  });

  it("round-trips a documents.json written in several pieces (passage columns larger than a piece)", () => {
    const text = "Satu kalimat. Dua kalimat. ".repeat(40_000);
    const article = { ...documents.articles[1]!, text };
    const passages = Array.from({ length: 40_000 }, (_, i) => ({
      label: 2 * i + 1, articleId: article.id, index: i, start: 27 * i, end: 27 * i + 26, firstPage: 1 + (i % 300), lastPage: 1 + (i % 300), ocr: i % 7 === 0,
      section: i % 3 === 0 ? `Pasal ${i % 50}` : null, chapter: i % 5 === 0 ? "BAB I" : null, sentences: [[27 * i, 27 * i + 13], [27 * i + 14, 27 * i + 26]] as [number, number][],
    }));
    const files = encoded({ articles: [article], passages });
    expect(files.jsonPieces).toBeGreaterThan(1);
    const loaded = decodeDocuments(files.json, files.texts);
    expect(loaded.passages.map(({ label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, sentences }) => ({ label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, sentences }))).toEqual(passages);
  });

  it("rejects texts that do not cover the stored offsets", () => {
    const { json, texts } = encoded(documents);
    expect(() => decodeDocuments(json, texts.subarray(0, 5))).toThrow(/text offsets outside texts.bin/);
  });
});
