import { describe, expect, it } from "vitest";
import type { Answer } from "../../src/answer/answer.js";
import { answerableOutcome, holdsAnswerString, summarizeAnswerable, summarizeUnanswerable } from "../../src/eval/answer-metrics.js";

function answer(kind: Answer["kind"], sentences: Array<[string, boolean]>, passage = ""): Answer {
  return {
    question: "q",
    lang: "id",
    found: kind !== "none",
    kind,
    quotes: kind === "none" ? [] : [{ citation: 1, passageId: "a#0", sentences: sentences.map(([text, best]) => ({ text, best })) }],
    citations: [],
    results: kind === "none" ? [] : [{ rank: 1, score: 0.9, articleId: "a", passageId: "a#0", title: "t", source: null, date: null, url: null, passage, quote: "", page: null, section: null, ocr: false, link: null }],
  };
}

describe("answer-level figures", () => {
  it("a hit is an answer string inside the text, case and spacing folded", () => {
    expect(holdsAnswerString("Tidak lebih dari Rp 8  Miliar.", ["rp 8 miliar"])).toBe(true);
    expect(holdsAnswerString("Tidak lebih dari Rp 8 miliar.", ["Rp 9 miliar", ""])).toBe(false);
  });

  it("the bold sentence, any quote and the top passage are scored apart; a related answer has no bold sentence", () => {
    const direct = answerableOutcome(answer("direct", [["Dibuka pada 2017.", false], ["Biayanya Rp 8 miliar.", true]], "Biayanya Rp 8 miliar."), ["Rp 8 miliar"]);
    const related = answerableOutcome(answer("related", [["Biayanya Rp 8 miliar.", false]], "Lain."), ["Rp 8 miliar"]);
    const none = answerableOutcome(answer("none", []), ["Rp 8 miliar"]);
    expect(summarizeAnswerable([direct, related, none], true)).toEqual({ n: 3, found_rate: 0.6667, direct_rate: 0.3333, highlight_has_answer: 0.3333, quotes_have_answer: 0.6667, top1_passage_has_answer: 0.3333 });
    expect(summarizeAnswerable([direct], false)).toMatchObject({ highlight_has_answer: null, quotes_have_answer: null, top1_passage_has_answer: null });
  });

  it("unanswerable questions: declined = none, not direct = related or none", () => {
    expect(summarizeUnanswerable([answer("none", []), answer("related", [["x", false]]), answer("direct", [["y", true]]), answer("direct", [["z", true]])])).toEqual({ n: 4, declined_rate: 0.25, not_direct_rate: 0.5 });
  });
});
