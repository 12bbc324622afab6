import { describe, expect, it } from "vitest";
import { decodeDocuments, encodeDocuments } from "../../src/index/documents-file.js";
import type { StoredDocuments } from "../../src/index/snapshot.js";

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
    const { json, texts: pieces } = encodeDocuments(documents);
    const texts = Buffer.concat([...pieces]);
    expect(json).not.toContain("Kalimat");
    const loaded = decodeDocuments(json, texts);
    expect(loaded.articles.map((article) => ({ ...article }))).toEqual(documents.articles);
    expect(loaded.passages.map(({ label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, sentences }) => ({ label, articleId, index, start, end, firstPage, lastPage, ocr, section, chapter, sentences }))).toEqual(documents.passages);
    const article = loaded.articles[0]!;
    expect(article.text.slice(loaded.passages[1]!.start, loaded.passages[1]!.end)).toBe(documents.articles[0]!.text.slice(17, 47));
    // A loaded generation can be written again unchanged (what an incremental refresh does).
    const again = encodeDocuments(loaded);
    expect(again.json).toBe(json);
    expect(Buffer.concat([...again.texts]).equals(texts)).toBe(true);
  });

  it("round-trips texts written in several pieces (a large knowledge base is never one buffer)", () => {
    // Three articles of ~600 KB each (two-byte characters included) span the ~1 MB pieces texts.bin is written in.
    const big = [0, 1, 2].map((n) => ({ ...documents.articles[0]!, id: `big-${n}`, file: `big-${n}.txt`, text: `Artikel ${n} “kutipan” é. `.repeat(24_000) }));
    const encoded = encodeDocuments({ articles: big, passages: [] });
    const pieces = [...encoded.texts];
    expect(pieces.length).toBeGreaterThan(1);
    const loaded = decodeDocuments(encoded.json, Buffer.concat(pieces));
    expect(loaded.articles.map((article) => article.text)).toEqual(big.map((article) => article.text));
  });

  it("rejects texts that do not cover the stored offsets", () => {
    const { json, texts } = encodeDocuments(documents);
    expect(() => decodeDocuments(json, Buffer.concat([...texts]).subarray(0, 5))).toThrow(/text offsets outside texts.bin/);
  });
});
