import { isRegulationHeading, opensAyat } from "../regulation.js";
import type { PageSpan } from "../types.js";
import type { PageLine } from "./layout.js";

export interface PageContent {
  number: number;
  lines: PageLine[];
  ocr: boolean;
}

const LIST_ITEM = /^(?:[a-z]|\d{1,2})[.)]\s/;
const LEGAL_OPENERS = /^(?:Menimbang|Mengingat|Memperhatikan|Menetapkan|MEMUTUSKAN|DENGAN RAHMAT)\b/;
const SENTENCE_END = /[.!?:;]["”’)]*$/;

function isUpperCase(line: string): boolean {
  return /\p{L}/u.test(line) && line === line.toUpperCase();
}

/** A line that stands alone: a heading, or a table row. */
function standsAlone(line: string): boolean {
  return isRegulationHeading(line) || line.includes(" | ");
}

/** The usual distance between lines of one paragraph: the lower quartile, as paragraph gaps are the wider ones. */
function lineSpacing(lines: PageLine[]): number {
  const gaps = lines.slice(1).map((line, i) => lines[i]!.y - line.y).filter((gap) => gap > 0).sort((a, b) => a - b);
  return gaps.length === 0 ? 0 : gaps[Math.floor(gaps.length / 4)]!;
}

/** "pela-" + "yanan" → "pelayanan"; other lines join with a space. */
function joinLine(paragraph: string, line: string): string {
  return /\p{L}-$/u.test(paragraph) && /^\p{Ll}/u.test(line) ? paragraph.slice(0, -1) + line : `${paragraph} ${line}`;
}

/**
 * The paragraphs of one page. A new paragraph begins after a gap wider than the usual line spacing, at a
 * heading, an ayat "(2)", a list item, a table row or a change between upper-case title lines and prose.
 */
export function pageParagraphs(lines: PageLine[]): string[] {
  const spacing = lineSpacing(lines);
  const paragraphs: string[] = [];
  lines.forEach((line, i) => {
    const previous = lines[i - 1];
    const gap = previous ? previous.y - line.y : 0;
    const breaks =
      !previous ||
      line.breakBefore === true ||
      (spacing > 0 && gap > 1.4 * spacing) ||
      gap < -line.size || // the next column begins higher up
      standsAlone(line.text) ||
      standsAlone(previous.text) ||
      opensAyat(line.text) ||
      LIST_ITEM.test(line.text) ||
      LEGAL_OPENERS.test(line.text) ||
      isUpperCase(line.text) !== isUpperCase(previous.text);
    if (breaks) paragraphs.push(line.text);
    else paragraphs[paragraphs.length - 1] = joinLine(paragraphs[paragraphs.length - 1]!, line.text);
  });
  return paragraphs;
}

/** A page's first paragraph continues the previous page's last one: a sentence cut by the page break. */
function continues(text: string, paragraph: string): boolean {
  return text !== "" && !SENTENCE_END.test(text) && /^\p{Ll}/u.test(paragraph) && !standsAlone(paragraph) && !LIST_ITEM.test(paragraph);
}

/** The document text (paragraphs separated by a blank line) and where each page lies in it. */
export function assembleText(pages: PageContent[]): { text: string; pages: PageSpan[] } {
  let text = "";
  const spans: PageSpan[] = [];
  for (const page of pages) {
    let start: number | undefined;
    pageParagraphs(page.lines).forEach((paragraph, i) => {
      if (i === 0 && continues(text, paragraph)) {
        const joined = joinLine(text, paragraph);
        start = joined.length - paragraph.length;
        text = joined;
        return;
      }
      if (text !== "") text += "\n\n";
      start ??= text.length;
      text += paragraph;
    });
    spans.push({ number: page.number, start: start ?? text.length, end: text.length, ocr: page.ocr });
  }
  return { text, pages: spans };
}
