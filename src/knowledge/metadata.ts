import { findDateInText } from "./dates.js";

/**
 * Best-effort outlet and date for articles whose file has no front matter, read from the byline and
 * dateline conventions of Indonesian news sites ("Bisnis.com, JAKARTA -", "VIVAnews -", "Penulis : Rt, Humas Jateng").
 */
export function detectSource(lines: string[]): string | undefined {
  for (const line of lines) {
    const domain = /\b([A-Z][A-Za-z0-9-]*\.(?:com|co\.id|go\.id|or\.id|id|net))\b/.exec(line);
    if (domain && /\s[-–—|,]\s|^\S+\s*[,-–—]/.test(line)) return domain[1];
    const dateline = /^([A-Z][A-Za-z]*(?:news|News|NEWS))\s*[-–—]\s/.exec(line);
    if (dateline) return dateline[1];
    const credit = /^(?:penulis|sumber)\s*:\s*(?:[^,]+,\s*)?(.+)$/i.exec(line);
    if (credit && credit[1]!.trim().split(/\s+/).length <= 4) return credit[1]!.trim();
  }
  return undefined;
}

/**
 * The byline's date first (it is the publication date), then the first complete date in the body.
 * Lines dropped after the body (related headlines, clipping signatures) carry other dates and are not read.
 */
export function detectDate(headerLines: string[], body: string): string | undefined {
  return findDateInText(headerLines.join("\n")) ?? findDateInText(body) ?? undefined;
}
