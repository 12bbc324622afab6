import { createRequire } from "node:module";
import type { DomElement } from "./blocks.js";

type Linkedom = typeof import("linkedom");
let linkedom: Linkedom | undefined;

/**
 * An HTML string as a DOM (linkedom). Loaded on first use: it takes ~170 ms to load, which the bot's start-up
 * would otherwise pay even when no web page is ever read.
 */
export function parseHtmlDocument(html: string): { document: DomElement & { body: DomElement } } {
  linkedom ??= createRequire(import.meta.url)("linkedom") as Linkedom;
  return linkedom.parseHTML(html) as unknown as { document: DomElement & { body: DomElement } };
}
