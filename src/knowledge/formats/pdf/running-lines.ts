import { isRegulationHeading } from "../regulation.js";
import type { PageLine } from "./layout.js";

/** Lines looked at for headers and footers at the top and at the bottom of each page. */
const EDGE_LINES = 3;
/** Running headers and footers are at most this long. */
const RUNNING_MAX_WORDS = 12;
/** Page numbers in the forms Indonesian documents print them: "- 3 -", "3", "Halaman 3 dari 10", "hlm. 3", "3/10". */
const PAGE_NUMBER = /^(?:[-–—]\s*\d+\s*[-–—]|\d+|(?:halaman|hlm\.?|page)\s*\d+(?:\s*(?:dari|of|\/)\s*\d+)?|\d+\s*\/\s*\d+)$/i;

function key(line: string): string {
  return line.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
}

function edgeIndexes(count: number): number[] {
  const indexes = new Set<number>();
  for (let i = 0; i < Math.min(EDGE_LINES, count); i++) indexes.add(i).add(count - 1 - i);
  return [...indexes];
}

/**
 * Removes running headers and footers: page numbers at a page's top or bottom, and lines (numbers aside) that
 * repeat at the edges of at least half of the pages — running titles, "SALINAN", a ministry letterhead.
 */
export function removeRunningLines(pages: PageLine[][]): PageLine[][] {
  const pagesWith = new Map<string, number>();
  for (const lines of pages) {
    for (const k of new Set(edgeIndexes(lines.length).map((i) => key(lines[i]!.text)))) pagesWith.set(k, (pagesWith.get(k) ?? 0) + 1);
  }
  // "Pasal 12" opening many pages is structure, not a running title, though its key repeats; and running titles
  // are short, so a prose line that happens to differ from others only in its numbers is kept.
  const repeated = (line: string) =>
    pages.length >= 3 && !isRegulationHeading(line) && line.split(" ").length <= RUNNING_MAX_WORDS && (pagesWith.get(key(line)) ?? 0) >= Math.max(3, pages.length / 2);
  return pages.map((lines) => {
    const edges = new Set(edgeIndexes(lines.length));
    return lines.filter((line, i) => !(edges.has(i) && (PAGE_NUMBER.test(line.text) || repeated(line.text))));
  });
}
