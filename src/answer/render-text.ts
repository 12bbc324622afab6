import type { ArticleSummary } from "../engine/engine.js";
import type { Answer } from "./answer.js";
import { citationLabel } from "./citation.js";
import { answerIntro, words } from "./i18n.js";

/** Plain-text rendering for terminals: quotes with citation numbers, the best sentence of a direct answer marked with ▶. */
export function renderAnswerText(answer: Answer, articles: ArticleSummary[] = []): string {
  const w = words(answer.lang);
  if (!answer.found) {
    const covered = articles.slice(0, 8).map((article) => `  • ${article.title}`);
    return [w.notFound, ...(covered.length ? ["", w.covers, ...covered] : [])].join("\n");
  }
  const lines = [answerIntro(answer), ""];
  for (const quote of answer.quotes) {
    for (const sentence of quote.sentences) lines.push(`${sentence.best ? "▶" : " "} “${sentence.text}” [${quote.citation}]`);
  }
  lines.push("", `${w.sources}:`);
  for (const citation of answer.citations) {
    lines.push(`[${citation.number}] ${citationLabel(citation, answer.lang)}${citation.link ? ` <${citation.link}>` : ""}`);
  }
  return lines.join("\n");
}
