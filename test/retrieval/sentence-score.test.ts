import { describe, expect, it } from "vitest";
import { indonesianTerms } from "../../src/index/indonesian-tokenizer.js";
import { LexicalIndex } from "../../src/index/lexical-index.js";
import { Glossary } from "../../src/retrieval/glossary.js";
import { answerTypesIn } from "../../src/retrieval/answer-type.js";
import { bestSentenceScore, weightQuery, type SentenceFeatures } from "../../src/retrieval/sentence-score.js";
import { analyzeQuery } from "../../src/retrieval/query.js";

const terms = (text: string): Set<string> => new Set(indonesianTerms(text));
const sentence = (text: string): SentenceFeatures => ({ terms: terms(text), types: answerTypesIn(text) });

async function indexOf(texts: string[]): Promise<LexicalIndex> {
  const lexical = LexicalIndex.empty();
  await lexical.add(texts.map((text, i) => ({ id: `p${i}`, title: "", text })));
  return lexical;
}

describe("Indonesian tokenizer", () => {
  it("folds diacritics instead of splitting words at them", () => {
    expect(indonesianTerms("François Pokémon")).toEqual(["francois", "pokemon"]);
  });

  it("drops question words carrying a particle, which stem to stopwords", () => {
    expect(indonesianTerms("Siapakah dimanakah berapakah manakah kapankah gubernur")).toEqual(["gubernur"]);
  });

  it("keeps content words that carry a particle", () => {
    expect(indonesianTerms("tahunkah")).toEqual(["tahun"]);
  });
});

describe("best-sentence signal", () => {
  const corpus = [
    "Gubernur Jawa Barat meresmikan bendungan itu. Bendungan tersebut dibangun sejak 2015.",
    "Bendungan baru diresmikan. Gubernur Jawa Barat hadir di acara lain.",
    "Harga cabai naik di pasar.",
    "Harga beras turun di pasar.",
  ];

  it("prefers a passage whose one sentence holds the question's words over one that spreads them out", async () => {
    const lexical = await indexOf(corpus);
    const query = weightQuery(analyzeQuery("Siapa yang meresmikan bendungan?", lexical, Glossary.empty(), "id"), lexical);
    const together = bestSentenceScore(query, ["Gubernur Jawa Barat meresmikan bendungan itu.", "Bendungan tersebut dibangun sejak 2015."].map(sentence), new Set());
    const apart = bestSentenceScore(query, ["Bendungan baru itu selesai dibangun.", "Gubernur meresmikan pasar."].map(sentence), new Set());
    expect(together).toBeGreaterThan(apart);
    expect(apart).toBeLessThan(1);
  });

  it("weighs rare words above common ones and ignores words no passage has", async () => {
    const lexical = await indexOf(corpus);
    const query = weightQuery(analyzeQuery("harga cabai zzzz", lexical, Glossary.empty(), "id"), lexical);
    const rare = bestSentenceScore(query, [sentence("cabai")], new Set());
    const common = bestSentenceScore(query, [sentence("harga")], new Set());
    expect(rare).toBeGreaterThan(common);
    expect(rare + common).toBeCloseTo(1);
  });

  it("gives when-questions a bonus for a sentence that holds a year or month, and none to questions that ask for no kind of answer", async () => {
    const lexical = await indexOf(corpus);
    const when = weightQuery(analyzeQuery("Kapan bendungan diresmikan?", lexical, Glossary.empty(), "id"), lexical);
    const which = weightQuery(analyzeQuery("Bendungan mana yang diresmikan?", lexical, Glossary.empty(), "id"), lexical);
    const dated = [sentence("Bendungan diresmikan pada Agustus 2015.")];
    const undated = [sentence("Bendungan diresmikan gubernur.")];
    expect(when.answerType).toBe("time");
    expect(bestSentenceScore(when, dated, new Set())).toBeCloseTo(1.2);
    expect(bestSentenceScore(when, undated, new Set())).toBeCloseTo(1);
    expect(which.answerType).toBeUndefined();
    expect(bestSentenceScore(which, dated, new Set())).toBeCloseTo(1);
  });

  it("reads the answer type from Indonesian and English question words", async () => {
    const lexical = await indexOf(corpus);
    const typeOf = (question: string) => analyzeQuery(question, lexical, Glossary.empty()).answerType;
    expect(typeOf("Tahun berapa bendungan itu dibangun?")).toBe("time");
    expect(typeOf("Berapakah luas bendungan itu?")).toBe("number");
    expect(typeOf("How many people attended the opening?")).toBe("number");
    expect(typeOf("When was the dam opened?")).toBe("time");
  });

  it("counts title words for every sentence", async () => {
    const lexical = await indexOf(corpus);
    const query = weightQuery(analyzeQuery("harga cabai", lexical, Glossary.empty(), "id"), lexical);
    expect(bestSentenceScore(query, [sentence("naik")], terms("Harga cabai"))).toBe(1);
  });
});
