import type { SectionSpan } from "./types.js";

/** The part of the DOM read here; linkedom's nodes have it (the project compiles without the DOM library). */
export interface DomNode {
  nodeType: number;
  textContent: string | null;
}
export interface DomElement extends DomNode {
  tagName: string;
  children: Iterable<DomElement>;
  childNodes: Iterable<DomNode>;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  getAttribute(name: string): string | null;
  remove(): void;
}

/** A paragraph (heading 0) or a heading of level 1–6, in reading order. */
export interface Block {
  heading: number;
  text: string;
}

const PARAGRAPH_TAGS = new Set(["P", "LI", "BLOCKQUOTE", "PRE", "DT", "DD", "FIGCAPTION", "CAPTION", "ADDRESS"]);
const CONTAINER_TAGS = new Set(["DIV", "SECTION", "ARTICLE", "MAIN", "UL", "OL", "DL", "BODY", "HEADER", "FIGURE", "TBODY", "THEAD", "TFOOT", "SPAN", "FORM", "CENTER"]);
const SKIPPED_TAGS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "IMG", "SVG", "BUTTON", "IFRAME"]);

function squash(text: string): string {
  return text.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "").replace(/\s+/g, " ").trim();
}

function isBlock(element: DomElement): boolean {
  return PARAGRAPH_TAGS.has(element.tagName) || CONTAINER_TAGS.has(element.tagName) || /^H[1-6]$|^TABLE$/.test(element.tagName);
}

function hasBlockChild(element: DomElement): boolean {
  return [...element.children].some(isBlock);
}

/**
 * Paragraphs, headings and table rows of an HTML tree (a web page's readable part, or mammoth's rendering of
 * a Word file). A table row stays one line, its cells joined with " | ", so a row is quoted whole.
 */
export function blocksFromHtml(root: DomElement): Block[] {
  const blocks: Block[] = [];
  const push = (heading: number, text: string) => {
    const squashed = squash(text);
    if (squashed !== "") blocks.push({ heading, text: squashed });
  };
  const visit = (element: DomElement): void => {
    const tag = element.tagName;
    if (SKIPPED_TAGS.has(tag)) return;
    const heading = /^H([1-6])$/.exec(tag);
    if (heading) return push(Number(heading[1]), element.textContent ?? "");
    if (tag === "TABLE") {
      for (const row of element.querySelectorAll("tr")) push(0, [...row.querySelectorAll("th, td")].map((cell) => squash(cell.textContent ?? "")).filter(Boolean).join(" | "));
      return;
    }
    if (!hasBlockChild(element)) return push(0, element.textContent ?? "");
    // Mixed content: text runs between block children are paragraphs of their own.
    let run = "";
    for (const node of element.childNodes) {
      const child = node.nodeType === 1 ? (node as DomElement) : undefined;
      if (child && (isBlock(child) || hasBlockChild(child))) {
        push(0, run);
        run = "";
        visit(child);
      } else if (!(child && SKIPPED_TAGS.has(child.tagName))) run += node.textContent ?? "";
    }
    push(0, run);
  };
  visit(root);
  return blocks;
}

/**
 * The document text (blocks separated by a blank line) and a section per heading, reaching to the next heading
 * of the same or a higher level.
 */
export function textFromBlocks(blocks: Block[]): { text: string; sections: SectionSpan[] } {
  let text = "";
  const open: SectionSpan[] = [];
  const sections: SectionSpan[] = [];
  for (const block of blocks) {
    if (text !== "") text += "\n\n";
    if (block.heading > 0) {
      while (open.length > 0 && open[open.length - 1]!.level >= block.heading) open.pop()!.end = text.length - 2;
      const section = { title: block.text.slice(0, 200), level: block.heading, start: text.length, end: -1 };
      open.push(section);
      sections.push(section);
    }
    text += block.text;
  }
  for (const section of open) section.end = text.length;
  return { text, sections };
}
