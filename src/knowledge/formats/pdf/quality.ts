/**
 * Whether a page's text layer can be trusted. PDFs made with broken font encodings (no ToUnicode map, custom
 * glyph codes) yield symbol soup — "ÿþ¤¦§", private-use glyphs, words without a vowel — that looks like text
 * to a naive check; quoting it would be worse than not indexing the page.
 */
export type TextLayer = "text" | "none" | "garbage";

/** Fewer visible characters than this and the page has no text layer worth reading (a scan, or a blank page). */
const MIN_VISIBLE = 12;

export function textLayerQuality(text: string): TextLayer {
  const visible = text.replace(/\s+/g, "");
  if (visible.length < MIN_VISIBLE) return "none";
  // Letters and digits carry a page, tables of figures included; symbol soup has few of either.
  const alphanumeric = visible.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  if (alphanumeric < 0.5 * visible.length) return "garbage";
  // Latin letters, digits and ordinary punctuation make up almost all of an Indonesian or English page.
  const ordinary = visible.match(/[A-Za-z0-9.,;:!?()"'“”‘’%/&+=\-–—|[\]]/g)?.length ?? 0;
  if (ordinary < 0.85 * visible.length) return "garbage";
  const words = text.match(/\p{L}{3,}/gu) ?? [];
  const withVowel = words.filter((word) => /[aeiouyAEIOUY]/.test(word)).length;
  return words.length > 0 && withVowel < 0.7 * words.length ? "garbage" : "text";
}
