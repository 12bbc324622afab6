import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseArticle, readArticle } from "../../src/knowledge/parse.js";
import { buildPdf, regulationSpec } from "../helpers/documents.js";
import { chunkArticle, chunkText } from "../../src/passages/chunk.js";
import { splitSentences } from "../../src/passages/sentences.js";
import { REPO_KNOWLEDGE } from "../helpers/workspace.js";

function sentences(text: string): string[] {
  return splitSentences(text).map(({ start, end }) => text.slice(start, end));
}

describe("sentence splitting", () => {
  it.each([
    ["Wakil Gubernur Drs. H. Heru Sudjatmoko hadir. Acara dimulai pagi.", ["Wakil Gubernur Drs. H. Heru Sudjatmoko hadir.", "Acara dimulai pagi."]],
    ["Kepala Bagian Ig. Trihastono, S.Sos. MM menandatangani. Surat dikirim.", ["Kepala Bagian Ig. Trihastono, S.Sos. MM menandatangani.", "Surat dikirim."]],
    ["Diatur dalam Peraturan Presiden No. 95/2018 tentang SPBE. Itu penting.", ["Diatur dalam Peraturan Presiden No. 95/2018 tentang SPBE.", "Itu penting."]],
    ["Staf Ahli Menlu, M. Ibnu Said, menyampaikan. Tim hadir.", ["Staf Ahli Menlu, M. Ibnu Said, menyampaikan.", "Tim hadir."]],
    ["Kepala Biro, Y.B. Jarot Budi Harjo mengatakan hal itu. Ia hadir.", ["Kepala Biro, Y.B. Jarot Budi Harjo mengatakan hal itu.", "Ia hadir."]],
    ["Konferensi digelar Senin (27/5) lalu. Delegasi hadir.", ["Konferensi digelar Senin (27/5) lalu.", "Delegasi hadir."]],
    ["Ada portal satulayanan.net dan LAPOR! yang berfungsi baik. Selesai.", ["Ada portal satulayanan.net dan LAPOR! yang berfungsi baik.", "Selesai."]],
    ["Ahli diperbantukan di Pemkab Bandung Barat.Beberapa aplikasi ditiru.", ["Ahli diperbantukan di Pemkab Bandung Barat.", "Beberapa aplikasi ditiru."]],
  ])("%s", (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it("never joins sentences across paragraphs", () => {
    expect(sentences("Kalimat ini selesai di sini Dr.\n\nparagraf baru dimulai.")).toHaveLength(2);
  });
});

describe("passages of the seed articles", () => {
  const articles = readdirSync(REPO_KNOWLEDGE).filter((name) => name.endsWith(".txt")).map((name) => parseArticle(name, readFileSync(path.join(REPO_KNOWLEDGE, name))));

  it("are whole sentences, exact substrings at their offsets, about 40–90 words", () => {
    for (const article of articles) {
      const passages = chunkText(article.id, article.text);
      expect(passages.length).toBeGreaterThan(1);
      for (const passage of passages) {
        expect(article.text.slice(passage.start, passage.end)).toBe(passage.text);
        const words = passage.text.split(/\s+/).length;
        expect(words).toBeGreaterThanOrEqual(25);
        expect(words).toBeLessThanOrEqual(115);
        expect(passage.text).toMatch(/^[\p{Lu}"“\d]/u);
        expect(passage.text).toMatch(/[.!?"”]$/);
        for (const { start, end } of passage.sentences) expect(start >= passage.start && end <= passage.end).toBe(true);
      }
      const median = passages.map((p) => p.text.split(/\s+/).length).sort((a, b) => a - b)[Math.floor(passages.length / 2)]!;
      expect(median).toBeGreaterThanOrEqual(40);
      expect(median).toBeLessThanOrEqual(90);
    }
  });

  it("cover every sentence of the article, neighbours overlapping by at most one sentence", () => {
    for (const article of articles) {
      const passages = chunkText(article.id, article.text);
      const covered = new Set(passages.flatMap((p) => p.sentences.map((s) => `${s.start}`)));
      for (const sentence of splitSentences(article.text)) expect(covered.has(`${sentence.start}`)).toBe(true);
      for (let i = 1; i < passages.length; i++) {
        const shared = passages[i]!.sentences.filter((s) => passages[i - 1]!.sentences.some((t) => t.start === s.start));
        expect(shared.length).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("passages of a regulation", () => {
  it("never run across two Pasal, and each knows its Pasal, BAB and pages", async () => {
    const article = await readArticle("perpres.pdf", await buildPdf(regulationSpec()));
    const passages = chunkArticle(article);
    const pasal = article.sections!.filter((section) => section.title.startsWith("Pasal"));
    for (const passage of passages) {
      expect(article.text.slice(passage.start, passage.end)).toBe(passage.text);
      const opened = pasal.filter((section) => section.start >= passage.start && section.start < passage.end);
      expect(opened.length).toBeLessThanOrEqual(1);
    }
    const purpose = passages.find((passage) => passage.text.includes("bertujuan untuk memberikan panduan"))!;
    expect(purpose).toMatchObject({ section: "Pasal 5", chapter: "BAB II", firstPage: 3, lastPage: 4, ocr: false });
    // Headings with no text of their own ("BAB II", "Bagian Kesatu") open the passage of the Pasal they introduce.
    const pasal4 = passages.find((passage) => passage.text.includes("disusun oleh menteri"))!;
    expect(pasal4.text.startsWith("BAB II")).toBe(true);
    expect(pasal4).toMatchObject({ section: "Pasal 4", chapter: "BAB II", firstPage: 2 });
  });
});
