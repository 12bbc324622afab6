/**
 * Reading order of one PDF page from pdf.js text items: items grouped into lines by baseline, a simple
 * two-column page read column by column, wide gaps inside a line (table cells) kept as " | " so a table row
 * stays one line. Hand-written: pdf.js gives positioned glyph runs, not lines, and the npm wrappers around
 * it (unpdf's extractText, pdf-parse) concatenate items without looking at positions.
 */

/** A run of text as pdf.js reports it: x/y of its baseline start, its width and font size, in PDF units. */
export interface PositionedText {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

export interface PageLine {
  text: string;
  /** Starts a new paragraph whatever the layout says (a blank line in recognised text). */
  breakBefore?: boolean;
  /** Baseline, PDF units from the bottom of the page. */
  y: number;
  size: number;
}

interface Segment {
  x0: number;
  x1: number;
  items: PositionedText[];
}

interface RawLine {
  y: number;
  size: number;
  items: PositionedText[];
}

/** A gap wider than this many font sizes separates table cells (justified prose never stretches this far). */
const CELL_GAP = 2;
/** A gap wider than this many font sizes is a space between words. */
const WORD_GAP = 0.15;

function groupLines(items: PositionedText[]): RawLine[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: RawLine[] = [];
  for (const item of sorted) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(line.y - item.y) <= 0.5 * Math.max(line.size, item.size)) {
      line.items.push(item);
      line.size = Math.max(line.size, item.size);
    } else lines.push({ y: item.y, size: item.size, items: [item] });
  }
  for (const line of lines) line.items.sort((a, b) => a.x - b.x);
  return lines;
}

function segments(line: RawLine, gap: number): Segment[] {
  const out: Segment[] = [];
  for (const item of line.items) {
    const last = out[out.length - 1];
    if (last && item.x - last.x1 <= gap * line.size) {
      last.items.push(item);
      last.x1 = Math.max(last.x1, item.x + item.width);
    } else out.push({ x0: item.x, x1: item.x + item.width, items: [item] });
  }
  return out;
}

function joinItems(items: PositionedText[], size: number): string {
  let text = "";
  let end = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const spaced = item.x - end > WORD_GAP * size && text !== "" && !/\s$/.test(text) && !/^\s/.test(item.text);
    text += (spaced ? " " : "") + item.text;
    end = item.x + item.width;
  }
  return text.replace(/\s+/g, " ").trim();
}

/** Two lines are rows of one table when they break into the same number of cells, aligned at one edge. */
function alignedRows(a: Segment[] | undefined, b: Segment[] | undefined, size: number): boolean {
  if (!a || !b || a.length < 2 || a.length !== b.length) return false;
  return a.every((cell, i) => Math.abs(cell.x0 - b[i]!.x0) <= 3 * size || Math.abs(cell.x1 - b[i]!.x1) <= 3 * size);
}
/**
 * The x of a gutter splitting the page into two columns of prose, or undefined. Two columns: most lines break
 * in two at the same gap near the middle, and the left parts are wide (prose fills its column; a table's
 * short cells do not).
 */
function columnGutter(lines: RawLine[], pageWidth: number): number | undefined {
  if (lines.length < 6) return undefined;
  const split = lines.map((line) => segments(line, CELL_GAP)).filter((parts) => parts.length === 2);
  if (split.length < 0.6 * lines.length) return undefined;
  const gutters = split.map(([left, right]) => (left!.x1 + right!.x0) / 2).sort((a, b) => a - b);
  const gutter = gutters[Math.floor(gutters.length / 2)]!;
  if (gutter < 0.35 * pageWidth || gutter > 0.65 * pageWidth) return undefined;
  const leftWidths = split.map(([left]) => left!.x1 - left!.x0).sort((a, b) => a - b);
  if (leftWidths[Math.floor(leftWidths.length / 2)]! < 0.3 * pageWidth) return undefined;
  const crossing = lines.filter((line) => line.items.some((item) => item.x < gutter && item.x + item.width > gutter)).length;
  return crossing <= 0.15 * lines.length ? gutter : undefined;
}

/**
 * Lines as text. Wide gaps become " | " only in table rows (a neighbouring line has the same cells): a lone
 * wide gap, as in "Menimbang   :   a. bahwa …", is layout, and the line reads as one sentence.
 */
function toPageLines(lines: RawLine[]): PageLine[] {
  const cells = lines.map((line) => segments(line, CELL_GAP));
  return lines
    .map((line, i) => {
      const row = alignedRows(cells[i], cells[i - 1], line.size) || alignedRows(cells[i], cells[i + 1], line.size);
      const text = cells[i]!.map((segment) => joinItems(segment.items, line.size)).filter(Boolean).join(row ? " | " : " ");
      return { text, y: line.y, size: line.size };
    })
    .filter((line) => line.text !== "");
}

/** The page's lines in reading order. */
export function pageLines(items: PositionedText[], pageWidth: number): PageLine[] {
  const lines = groupLines(items.filter((item) => item.text.trim() !== ""));
  const gutter = columnGutter(lines, pageWidth);
  if (gutter === undefined) return toPageLines(lines);
  // Lines spanning the gutter (a title above the columns) keep their place; the columns are read one after the other.
  const spanning = (item: PositionedText) => item.x < gutter && item.x + item.width > gutter;
  const full = lines.filter((line) => line.items.some(spanning));
  const body = lines.filter((line) => !line.items.some(spanning));
  const top = body.length > 0 ? Math.max(...body.map((line) => line.y)) : 0;
  const column = (left: boolean) => groupLines(body.flatMap((line) => line.items.filter((item) => (item.x + item.width <= gutter) === left)));
  return [...toPageLines(full.filter((line) => line.y > top)), ...toPageLines(column(true)), ...toPageLines(column(false)), ...toPageLines(full.filter((line) => line.y <= top))];
}
