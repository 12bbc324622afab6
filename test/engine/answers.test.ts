import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerToJson } from "../../src/answer/json.js";
import type { Engine } from "../../src/engine/engine.js";
import { createWorkspace, openEngine, type Workspace } from "../helpers/workspace.js";

let workspace: Workspace;
let engine: Engine;

beforeAll(async () => {
  workspace = createWorkspace();
  engine = await openEngine(workspace);
});

afterAll(async () => {
  await engine?.close();
  workspace?.cleanup();
});

const BANDUNG_BARAT_SENTENCE = "Terbaru di awal Oktober 2017, Kabupaten Bandung Barat mengirim para pejabatnya ke Banyuwangi.";

describe("answers on the seed knowledge base", () => {
  it.each([
    ["which region did Bandung Barat study?", "en"],
    ["Where did officials from Bandung Barat go for a comparative study?", "en"],
    ["Ke mana pejabat Bandung Barat studi banding?", "id"],
    ["Kabupaten Bandung Barat mengirim pejabatnya ke mana?", "id"],
  ])("%s → the Banyuwangi article's Bandung Barat sentence, cited", async (question, lang) => {
    const answer = await engine.ask(question);
    expect(answer.lang).toBe(lang);
    expect(answer.found).toBe(true);
    const top = answer.results[0]!;
    expect(top.articleId).toBe("banyuwangi-rujukan-e-government");
    expect(top.title).toBe("Penerapan e-Government di Banyuwangi Menjadi Rujukan");
    expect(top.quote).toContain("Bandung Barat");
    const quoted = answer.quotes.flatMap((quote) => quote.sentences.map((s) => s.text));
    expect(quoted).toContain(BANDUNG_BARAT_SENTENCE);
    expect(answer.citations[0]).toMatchObject({ number: 1, articleId: "banyuwangi-rujukan-e-government", date: "2017-11-01" });
  });

  it.each([
    ["Which ministry trained civil servants in Korea?", "spbe-pelatihan-e-government-korea", /Korea/],
    ["Siapa Walikota Surabaya yang menyambut kerja sama dengan Kemlu?", "kemlu-gandeng-pemkot-surabaya", /Rismaharini/],
    ["Negara mana yang ingin mengadopsi e-government Pemkot Jogja?", "jogja-e-government-diadopsi-vietnam", /Vietnam/],
    ["What did the Minister of Home Affairs ask regional governments to do about e-gov?", "jateng-pemda-diminta-kelola-e-gov", /e-gov/],
  ])("%s → %s", async (question, articleId, quotePattern) => {
    const answer = await engine.ask(question);
    expect(answer.found).toBe(true);
    expect(answer.results[0]!.articleId).toBe(articleId);
    expect(answer.quotes.flatMap((q) => q.sentences.map((s) => s.text)).join(" ")).toMatch(quotePattern);
  });

  it.each(["what is the capital of France?", "Siapa pemenang Piala Dunia 2018?", "How do I bake sourdough bread?", "Berapa harga cabai rawit hari ini di pasar?"])(
    "%s → not found, nothing quoted",
    async (question) => {
      const answer = await engine.ask(question);
      expect(answer.found).toBe(false);
      expect(answer.quotes).toEqual([]);
      expect(answer.results).toEqual([]);
    },
  );

  it("quotes verbatim: every quoted sentence is an exact substring of its cleaned article, exactly one marked best in a direct answer, none in a related one", async () => {
    for (const question of ["which region did Bandung Barat study?", "Berapa anggaran e-Government Banyuwangi?", "Apa itu SPBE?"]) {
      const answer = await engine.ask(question);
      expect(answer.found).toBe(true);
      expect(answer.quotes.flatMap((q) => q.sentences).filter((s) => s.best)).toHaveLength(answer.kind === "direct" ? 1 : 0);
      for (const quote of answer.quotes) {
        const citation = answer.citations.find((c) => c.number === quote.citation)!;
        const article = engine.current.articles.get(citation.articleId)!;
        for (const sentence of quote.sentences) expect(article.text).toContain(sentence.text);
      }
      // One citation per article, numbered 1..n in order.
      expect(answer.citations.map((c) => c.number)).toEqual(answer.citations.map((_, i) => i + 1));
      expect(new Set(answer.citations.map((c) => c.articleId)).size).toBe(answer.citations.length);
    }
  });

  it("produces the documented JSON shape", async () => {
    const json = answerToJson(await engine.ask("which region did Bandung Barat study?"));
    expect(Object.keys(json)).toEqual(["question", "found", "answer", "results"]);
    expect(json.answer).toBe("direct");
    expect(json.results.map((r) => r.rank)).toEqual(json.results.map((_, i) => i + 1));
    for (const result of json.results) {
      expect(Object.keys(result)).toEqual(["rank", "score", "title", "source", "date", "url", "passage", "quote", "page", "section"]);
      // News articles have neither pages nor sections.
      expect([result.page, result.section]).toEqual([null, null]);
      expect(result.passage).toContain(result.quote.split(" ").slice(0, 3).join(" "));
    }
  });

  it.each([
    // The question says "biaya" (cost), the article "anggaran" (budget), and states the amount in the next sentence.
    ["Berapa biaya aplikasi e-government Banyuwangi?", "id"],
    ["Berapa anggaran Banyuwangi untuk membangun e-Government?", "id"],
    ["How much did Banyuwangi spend on its e-government system?", "en"],
  ])("%s → direct: the bold sentence states the amount", async (question, lang) => {
    const answer = await engine.ask(question);
    expect(answer).toMatchObject({ lang, found: true, kind: "direct", asked: "number" });
    const best = answer.quotes.flatMap((quote) => quote.sentences).find((sentence) => sentence.best);
    expect(best?.text).toContain("Rp 8 miliar");
  });

  it("related: relevant passages that state no date are quoted without a bold answer", async () => {
    const answer = await engine.ask("Kapan Vietnam mengadopsi e-government Jogja?");
    expect(answer).toMatchObject({ found: true, kind: "related", asked: "time" });
    expect(answer.results[0]!.articleId).toBe("jogja-e-government-diadopsi-vietnam");
    expect(answer.quotes.flatMap((quote) => quote.sentences).some((sentence) => sentence.best)).toBe(false);
    expect(answerToJson(answer).answer).toBe("related");
  });

  it("none: an out-of-scope question is declined", async () => {
    const answer = await engine.ask("Siapa pemenang Piala Dunia 2018?");
    expect(answer.kind).toBe("none");
    expect(answerToJson(answer)).toMatchObject({ found: false, answer: "none" });
  });
});
