import type { SectionSpan } from "./types.js";

/**
 * Headings of Indonesian legal texts, each matched against a whole paragraph: "Pasal 5" standing alone is a
 * heading, while "sebagaimana dimaksud dalam Pasal 5" inside a sentence is a reference and never matches.
 */
const HEADINGS: ReadonlyArray<{ level: number; pattern: RegExp }> = [
  { level: 1, pattern: /^BAB\s+([IVXLC]+|\d+)$/i },
  { level: 2, pattern: /^Bagian\s+(Ke(?:satu|\p{L}+)|\d+)$/iu },
  { level: 3, pattern: /^Paragraf\s+(\d+|Ke\p{L}+)$/iu },
  { level: 4, pattern: /^Pasal\s+(\d+[A-Z]?)$/i },
];
/** An ayat opens its paragraph with its number in brackets: "(2) Arsitektur SPBE Nasional …". */
const AYAT = /^\((\d+)\)\s/;
export const PASAL_LEVEL = 4;
export const AYAT_LEVEL = 5;

/** Canonical spelling of a heading ("PASAL 5" → "Pasal 5", "bab ii" → "BAB II"). */
function headingTitle(level: number, match: RegExpExecArray): string {
  const number = match[1]!;
  switch (level) {
    case 1:
      return `BAB ${number.toUpperCase()}`;
    case 2:
      return `Bagian ${number.charAt(0).toUpperCase()}${number.slice(1).toLowerCase()}`;
    case 3:
      return `Paragraf ${number}`;
    default:
      return `Pasal ${number.toUpperCase()}`;
  }
}

/** True when a line on its own is a BAB/Bagian/Paragraf/Pasal heading. */
export function isRegulationHeading(line: string): boolean {
  return HEADINGS.some(({ pattern }) => pattern.test(line.trim()));
}

/** True when a line opens an ayat. */
export function opensAyat(line: string): boolean {
  return AYAT.test(line);
}

/**
 * BAB / Bagian / Paragraf / Pasal / ayat sections of a legal text whose headings stand as paragraphs of their
 * own (separated by blank lines). Each reaches to the next heading of the same or a higher level.
 */
export function regulationSections(text: string): SectionSpan[] {
  const sections: SectionSpan[] = [];
  const open: SectionSpan[] = [];
  const close = (level: number, at: number) => {
    while (open.length > 0 && open[open.length - 1]!.level >= level) open.pop()!.end = at;
  };
  let at = 0;
  for (const paragraph of text.split("\n\n")) {
    const trimmed = paragraph.trim();
    let section: SectionSpan | undefined;
    for (const { level, pattern } of HEADINGS) {
      const match = pattern.exec(trimmed);
      if (match) section = { title: headingTitle(level, match), level, start: at, end: -1 };
    }
    const ayat = AYAT.exec(trimmed);
    // An ayat only counts inside a Pasal; a numbered list elsewhere is not one.
    if (!section && ayat && open.some((s) => s.level === PASAL_LEVEL)) section = { title: `ayat (${ayat[1]})`, level: AYAT_LEVEL, start: at, end: -1 };
    if (section) {
      close(section.level, at > 0 ? at - 2 : 0);
      open.push(section);
      sections.push(section);
    }
    at += paragraph.length + 2;
  }
  close(0, text.length);
  return sections;
}
