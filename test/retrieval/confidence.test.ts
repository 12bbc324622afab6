import { describe, expect, it } from "vitest";
import { indonesianTerms } from "../../src/index/indonesian-tokenizer.js";
import { LexicalIndex } from "../../src/index/lexical-index.js";
import { Glossary } from "../../src/retrieval/glossary.js";
import { confidenceOf } from "../../src/retrieval/hybrid.js";
import { analyzeQuery, coverage, namesMentioned } from "../../src/retrieval/query.js";

const terms = (text: string): Set<string> => new Set(indonesianTerms(text));

const ABOUT_IT = "Gojek didirikan pada tahun 2010 di Jakarta oleh Nadiem Makarim.";
const ABOUT_ANOTHER = "Perusahaan rintisan itu didirikan pada tahun 2010 di Jakarta.";

async function lexicalOf(texts: string[]): Promise<LexicalIndex> {
  const lexical = LexicalIndex.empty();
  await lexical.add(texts.map((text, i) => ({ id: `p${i}`, title: "", text })));
  return lexical;
}

describe("confidence that a passage answers the question", () => {
  it("counts a passage's coverage only as far as it mentions the question's names", async () => {
    const lexical = await lexicalOf([ABOUT_IT, ABOUT_ANOTHER]);
    const query = analyzeQuery("Kapan Gojek didirikan?", lexical, Glossary.empty(), "id");
    const [it, another] = [terms(ABOUT_IT), terms(ABOUT_ANOTHER)];
    expect(namesMentioned(query, it)).toBe(1);
    expect(namesMentioned(query, another)).toBe(0);
    // The other company's passage shares most of the question's words, so coverage alone rates it close.
    expect(coverage(query.termGroups, another)).toBeGreaterThanOrEqual(0.5);
    const dense = 0.5;
    const confident = confidenceOf(dense, coverage(query.termGroups, it), namesMentioned(query, it), "id");
    const unsure = confidenceOf(dense, coverage(query.termGroups, another), namesMentioned(query, another), "id");
    expect(confident).toBeGreaterThan(unsure);
    // What is left of the other passage's confidence is its dense similarity alone.
    expect(unsure).toBeCloseTo(confidenceOf(dense, 0, 1, "id"));
  });

  it("leaves coverage whole for a question that names nothing", async () => {
    const lexical = await lexicalOf([ABOUT_IT, ABOUT_ANOTHER]);
    const query = analyzeQuery("kapan perusahaan rintisan itu didirikan?", lexical, Glossary.empty(), "id");
    expect(query.names.size).toBe(0);
    expect(namesMentioned(query, terms(ABOUT_ANOTHER))).toBe(1);
  });
});
