import { describe, expect, it } from "vitest";
import { LexicalIndex, type LexicalDocument } from "../../src/index/lexical-index.js";

const DOCS: LexicalDocument[] = [
  { id: "a#0", title: "Banyuwangi menjadi rujukan e-government", text: "Kabupaten Bandung Barat mengirim para pejabatnya ke Banyuwangi untuk belajar aplikasi pelayanan publik." },
  { id: "b#0", title: "Pelatihan di Korea", text: "Pegawai negeri mengikuti pelatihan e-government di Korea Selatan selama dua minggu." },
  { id: "c#0", title: "Surabaya dan Kemlu", text: "Pemerintah Kota Surabaya bekerja sama dengan Kementerian Luar Negeri untuk pelayanan publik." },
  { id: "d#0", title: "Berita olahraga", text: "Tim sepak bola kota itu memenangkan pertandingan di stadion pada hari Minggu." },
];

async function indexOf(documents: LexicalDocument[]): Promise<LexicalIndex> {
  const index = LexicalIndex.empty();
  await index.add(documents);
  return index;
}

const ids = (hits: Array<{ id: string }>) => hits.map((hit) => hit.id);

/** BM25+ as documented in lexical-index.ts, written out independently for one field. */
function bm25(tf: number, matching: number, total: number, length: number, average: number): number {
  const idf = Math.log(1 + (total - matching + 0.5) / (matching + 0.5));
  return idf * (0.5 + (tf * 2.2) / (tf + 1.2 * (1 - 0.7 + (0.7 * length) / average)));
}

describe("LexicalIndex (BM25 over typed-array postings)", () => {
  it("finds passages by stemmed Indonesian words and ranks the one matching more query terms first", async () => {
    const index = await indexOf(DOCS);
    expect(ids(await index.search("pelatihan di Korea", 10))).toEqual(["b#0"]);
    const publik = ids(await index.search("pelayanan publik Surabaya", 10));
    expect(publik[0]).toBe("c#0");
    expect(publik).toContain("a#0");
    expect(publik).not.toContain("d#0");
    // "mengirim" and "kirim" share a stem.
    expect(ids(await index.search("kirim pejabat", 10))).toEqual(["a#0"]);
  });

  it("scores exactly BM25+ with the title boost and the matched-terms factor", async () => {
    const index = await indexOf(DOCS);
    // Field length = distinct terms.
    const terms = DOCS.map((doc) => ({ title: [...new Set(index.terms(doc.title))], text: [...new Set(index.terms(doc.text))] }));
    const average = (field: "title" | "text") => terms.reduce((sum, doc) => sum + doc[field].length, 0) / DOCS.length;
    const [hit] = await index.search("Korea", 1);
    // "korea" is once in b's title and once in its text; no other passage has it.
    const expected = 1.5 * bm25(1, 1, 4, terms[1]!.title.length, average("title")) + bm25(1, 1, 4, terms[1]!.text.length, average("text"));
    expect(hit!.id).toBe("b#0");
    expect(hit!.score).toBeCloseTo(expected, 5);
    // Two distinct query terms matched: the summed score is doubled.
    const [both] = await index.search("Korea pelatihan", 1);
    const pelatihan = 1.5 * bm25(1, 1, 4, terms[1]!.title.length, average("title")) + bm25(1, 1, 4, terms[1]!.text.length, average("text"));
    expect(both!.score).toBeCloseTo(2 * (expected + pelatihan), 5);
  });

  it("keeps the best `limit` in score order, ties in index order", async () => {
    const many: LexicalDocument[] = Array.from({ length: 300 }, (_, i) => ({ id: `n#${i}`, title: "", text: `laporan ${"anggaran ".repeat(1 + (i % 7))} daerah nomor ${i}` }));
    const index = await indexOf(many);
    const hits = await index.search("anggaran", 20);
    expect(hits).toHaveLength(20);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    // Seven repeats score highest; among equals the earlier passage comes first.
    expect(hits.slice(0, 3).map((hit) => hit.id)).toEqual(["n#6", "n#13", "n#20"]);
  });

  it("removes and replaces passages, and survives a save and load unchanged", async () => {
    const index = await indexOf(DOCS);
    await index.remove(["b#0"]);
    expect(await index.search("Korea", 10)).toEqual([]);
    await index.add([{ id: "c#0", title: "Surabaya", text: "Kota Surabaya meluncurkan aplikasi pengaduan warga." }]);
    expect(await index.search("Kementerian Luar Negeri", 10)).toEqual([]);
    expect(ids(await index.search("pengaduan warga", 10))).toEqual(["c#0"]);
    expect(index.documentCount).toBe(3);
    expect(index.documentFrequency("surabaya")).toBe(1);
    expect(index.documentFrequency("publik")).toBe(1);
    expect(index.documentFrequency("korea")).toBe(0);

    const loaded = LexicalIndex.deserialize(Buffer.concat(index.serialize()));
    expect(loaded.documentCount).toBe(3);
    for (const query of ["pengaduan warga", "Banyuwangi pelayanan publik", "pertandingan stadion", "Korea"]) {
      expect(await loaded.search(query, 10)).toEqual(await index.search(query, 10));
    }
    await loaded.add([{ id: "b#0", title: "Pelatihan di Korea", text: "Pelatihan lagi." }]);
    expect(ids(await loaded.search("Korea", 10))).toEqual(["b#0"]);
  });

  it("answers nothing for empty, stopword-only or unknown queries", async () => {
    const index = await indexOf(DOCS);
    expect(await index.search("", 10)).toEqual([]);
    expect(await index.search("yang dan di", 10)).toEqual([]);
    expect(await index.search("xylofon", 10)).toEqual([]);
    expect(await LexicalIndex.empty().search("Korea", 10)).toEqual([]);
    expect(await LexicalIndex.deserialize(Buffer.concat(LexicalIndex.empty().serialize())).search("Korea", 10)).toEqual([]);
  });

  it("rejects a damaged file with a clear error", async () => {
    const bytes = Buffer.concat((await indexOf(DOCS)).serialize());
    expect(() => LexicalIndex.deserialize(bytes.subarray(0, bytes.length - 40))).toThrow(/truncated/);
    expect(() => LexicalIndex.deserialize(Buffer.from("{\"json\": true}"))).toThrow(/not a lexical index file/);
  });
});
