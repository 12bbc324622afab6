import { describe, expect, it } from "vitest";
import { decodeDocuments, encodeDocuments } from "../../src/index/documents-file.js";
import type { StoredDocuments } from "../../src/index/snapshot.js";

const documents: StoredDocuments = {
  articles: [
    { id: "a", file: "a.txt", title: "Jogja", source: null, date: "2017-11-01", url: null, text: "Kalimat pertama. Kalimat kedua — “kutipan” é ✓.", contentHash: "h1", fileStat: { size: 10, mtimeMs: 5 } },
    { id: "b", file: "b.md", title: "Surabaya", source: "Kompas", date: null, url: "https://example.org/b", text: "Teks kedua.", contentHash: "h2" },
  ],
  passages: [
    { label: 0, articleId: "a", index: 0, start: 0, end: 16, sentences: [[0, 16]] },
    { label: 3, articleId: "a", index: 1, start: 17, end: 47, sentences: [[17, 32], [33, 47]] },
    { label: 7, articleId: "b", index: 0, start: 0, end: 11, sentences: [] },
  ],
};

describe("documents file (documents.json + texts.bin)", () => {
  it("round-trips articles (texts with non-ASCII characters, offsets in UTF-16 units) and passages", () => {
    const { json, texts } = encodeDocuments(documents);
    expect(json).not.toContain("Kalimat");
    const loaded = decodeDocuments(json, texts);
    expect(loaded.articles.map((article) => ({ ...article }))).toEqual(documents.articles);
    expect(loaded.passages.map((passage) => ({ label: passage.label, articleId: passage.articleId, index: passage.index, start: passage.start, end: passage.end, sentences: passage.sentences }))).toEqual(documents.passages);
    const article = loaded.articles[0]!;
    expect(article.text.slice(loaded.passages[1]!.start, loaded.passages[1]!.end)).toBe(documents.articles[0]!.text.slice(17, 47));
    // A loaded generation can be written again unchanged (what an incremental refresh does).
    const again = encodeDocuments(loaded);
    expect(again.json).toBe(json);
    expect(again.texts.equals(texts)).toBe(true);
  });

  it("rejects texts that do not cover the stored offsets", () => {
    const { json, texts } = encodeDocuments(documents);
    expect(() => decodeDocuments(json, texts.subarray(0, 5))).toThrow(/text offsets outside texts.bin/);
  });
});
