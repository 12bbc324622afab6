import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { candidateSentences, FEATURE_NAMES, type CandidateSentence, type FeatureName } from "../../src/answer/sentence-features.js";
import { answerLikelihood, loadSentenceModel, parseSentenceModel, SENTENCE_MODEL_FILE } from "../../src/answer/sentence-model.js";
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
