import type { Answer, AnswerKind } from "./answer.js";

/** The stable JSON shape of `ask --json`, one object per question. */
export interface AnswerJson {
  question: string;
  found: boolean;
  /** "direct": a quoted sentence states the asked fact; "related": relevant passages without it; "none": declined. */
  answer: AnswerKind;
  results: Array<{ rank: number; score: number; title: string; source: string; date: string | null; url: string | null; passage: string; quote: string; page: number | null; section: string | null }>;
}

export function answerToJson(answer: Answer): AnswerJson {
  return {
    question: answer.question,
    found: answer.found,
    answer: answer.kind,
    results: answer.results.map((result) => ({
      rank: result.rank,
      score: result.score,
      title: result.title,
      source: result.source ?? "",
      date: result.date,
      url: result.url,
      passage: result.passage,
      quote: result.quote,
      page: result.page,
      section: result.section,
    })),
  };
}
