import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { candidateSentences, FEATURE_NAMES, type CandidateSentence, type FeatureName } from "../../src/answer/sentence-features.js";
import { answerLikelihood, loadSentenceModel, parseSentenceModel, SENTENCE_MODEL_FILE } from "../../src/answer/sentence-model.js";
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

const feature = (sentence: CandidateSentence, name: FeatureName): number => sentence.features[FEATURE_NAMES.indexOf(name)]!;

async function sentencesFor(question: string): Promise<Array<CandidateSentence & { text: string }>> {
  const { query, candidates } = await engine.search(question, { limit: 3 });
  const snapshot = engine.current;
  return candidateSentences(snapshot, query, candidates).map((sentence) => ({ ...sentence, text: snapshot.articles.get(sentence.articleId)!.text.slice(sentence.start, sentence.end) }));
}

describe("candidate sentence features", () => {
  it("give every sentence of the candidate passages one finite value per feature, and say which passage it comes from", async () => {
    const sentences = await sentencesFor("Berapa biaya aplikasi e-government Banyuwangi?");
    expect(sentences.length).toBeGreaterThan(3);
    for (const sentence of sentences) {
      expect(sentence.features).toHaveLength(FEATURE_NAMES.length);
      expect(sentence.features.every(Number.isFinite)).toBe(true);
      expect([feature(sentence, "passage_rank_2"), feature(sentence, "passage_rank_3_plus")]).toEqual([sentence.candidateIndex === 1 ? 1 : 0, sentence.candidateIndex >= 2 ? 1 : 0]);
      expect(feature(sentence, "first_in_passage")).toBe(sentence.position === 0 ? 1 : 0);
    }
  });

  it("mark the short sentence stating the amount as holding the asked kind of answer and continuing the sentence about the budget", async () => {
    const sentences = await sentencesFor("Berapa biaya aplikasi e-government Banyuwangi?");
    const amount = sentences.find((sentence) => sentence.text.includes("Rp 8 miliar"))!;
    expect(amount).toBeDefined();
    expect([feature(amount, "asks_type"), feature(amount, "typed"), feature(amount, "typed_number"), feature(amount, "typed_time")]).toEqual([1, 1, 1, 0]);
    expect(amount.continues).toBe(true);
    const before = sentences.find((sentence) => sentence.candidateIndex === amount.candidateIndex && sentence.position === amount.position - 1)!;
    expect(before.text).toContain("anggaran");
    // The seed articles' titles name neither the budget nor the amount, so the coverage with the title ranks alike.
    expect(feature(amount, "previous_coverage")).toBeGreaterThan(0);
  });

  it("hold no answer type for a question that asks for none", async () => {
    const sentences = await sentencesFor("e-government Banyuwangi");
    expect(sentences.every((sentence) => feature(sentence, "asks_type") === 0 && feature(sentence, "typed") === 0)).toBe(true);
  });
});

describe("the shipped answer model", () => {
  it("loads a weight for every feature", () => {
    const model = loadSentenceModel();
    expect(Object.keys(model.weights).sort()).toEqual([...FEATURE_NAMES].sort());
    expect(model.directThreshold).toBeGreaterThan(0);
    expect(model.directThreshold).toBeLessThan(1);
  });

  it("rates the sentence stating the amount asked for above the passage's other sentences", async () => {
    const model = loadSentenceModel();
    const sentences = await sentencesFor("Berapa anggaran Banyuwangi untuk membangun e-Government?");
    const amount = sentences.find((sentence) => sentence.text.includes("Rp 8 miliar"))!;
    const others = sentences.filter((sentence) => sentence.candidateIndex === amount.candidateIndex && sentence !== amount);
    for (const other of others) expect(answerLikelihood(model, amount.features)).toBeGreaterThan(answerLikelihood(model, other.features));
  });

  it("rejects a weights file that lacks a feature, naming it", () => {
    const shipped = JSON.parse(readFileSync(SENTENCE_MODEL_FILE, "utf8")) as { weights: Record<string, number> };
    delete shipped.weights.typed;
    expect(() => parseSentenceModel(JSON.stringify(shipped), "test model")).toThrow(/test model: weight "typed" is not a number/);
    expect(() => parseSentenceModel(JSON.stringify({ ...shipped, weights: { ...shipped.weights, typed: 1 }, directThreshold: "high" }))).toThrow(/directThreshold/);
  });
});
