import type { Answer } from "../answer/answer.js";
import { round4 } from "./metrics.js";

/**
 * Answer-level figures: what the user reads (the bold sentence, the quotes), measured on `engine.ask`'s answer
 * exactly as the bot renders it. A hit is an answer string of the question inside the text, case and spacing folded.
 */

/** Lower case, one space for any run of whitespace: "Rp 8  Miliar" holds "rp 8 miliar". */
function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

export function holdsAnswerString(text: string, answers: readonly string[]): boolean {
  const folded = fold(text);
  return answers.some((answer) => {
    const wanted = fold(answer);
    return wanted !== "" && folded.includes(wanted);
  });
}

export interface AnswerableSummary {
  n: number;
  found_rate: number;
  direct_rate: number;
  /** The bold sentence holds an answer string (a related answer has no bold sentence: a miss). Null when the set's answers are not quoted text. */
  highlight_has_answer: number | null;
  quotes_have_answer: number | null;
  top1_passage_has_answer: number | null;
}

export interface UnanswerableSummary {
  n: number;
  declined_rate: number;
  not_direct_rate: number;
}

interface AnswerableOutcome {
  found: boolean;
  direct: boolean;
  highlight: boolean;
  quotes: boolean;
  top1: boolean;
}

/** One answerable question's outcome. */
export function answerableOutcome(answer: Answer, answers: readonly string[]): AnswerableOutcome {
  const sentences = answer.quotes.flatMap((quote) => quote.sentences);
  return {
    found: answer.found,
    direct: answer.kind === "direct",
    highlight: sentences.some((sentence) => sentence.best && holdsAnswerString(sentence.text, answers)),
    quotes: sentences.some((sentence) => holdsAnswerString(sentence.text, answers)),
    top1: answer.results[0] !== undefined && holdsAnswerString(answer.results[0].passage, answers),
  };
}

const rate = (outcomes: readonly unknown[], hits: number): number => (outcomes.length === 0 ? 0 : round4(hits / outcomes.length));
const countOf = <T>(items: readonly T[], test: (item: T) => boolean): number => items.filter(test).length;

/** `quotedAnswers`: the set's answer strings are quoted from its passages (not Belebele's multiple-choice options). */
export function summarizeAnswerable(outcomes: readonly AnswerableOutcome[], quotedAnswers: boolean): AnswerableSummary {
  const stringRate = (test: (outcome: AnswerableOutcome) => boolean): number | null => (quotedAnswers ? rate(outcomes, countOf(outcomes, test)) : null);
  return {
    n: outcomes.length,
    found_rate: rate(outcomes, countOf(outcomes, (o) => o.found)),
    direct_rate: rate(outcomes, countOf(outcomes, (o) => o.direct)),
    highlight_has_answer: stringRate((o) => o.highlight),
    quotes_have_answer: stringRate((o) => o.quotes),
    top1_passage_has_answer: stringRate((o) => o.top1),
  };
}

export function summarizeUnanswerable(answers: readonly Answer[]): UnanswerableSummary {
  return { n: answers.length, declined_rate: rate(answers, countOf(answers, (a) => a.kind === "none")), not_direct_rate: rate(answers, countOf(answers, (a) => a.kind !== "direct")) };
}
