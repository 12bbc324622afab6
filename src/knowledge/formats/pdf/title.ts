import path from "node:path";
import { findDateInText } from "../../dates.js";
import type { PageLine } from "./layout.js";

/** The first line of a regulation's or official letter's heading block. */
const OFFICIAL_START = /^(?:UNDANG-UNDANG|PERATURAN|KEPUTUSAN|INSTRUKSI|SURAT EDARAN|PENETAPAN|PEDOMAN)\b/i;
/** Where a regulation's heading block ends. */
const HEADING_END = /^(?:DENGAN RAHMAT|Menimbang|Mengingat|MEMUTUSKAN)/i;
const LOWER_WORDS = new Set(["tentang", "dan", "atau", "di", "ke", "dari", "yang", "untuk", "atas", "pada", "dalam", "serta", "oleh", "dengan", "bagi", "terhadap", "sebagai", "nomor", "tahun"]);
const KEEP_CAPITALISED = new Set(["nomor", "tahun"]);

/** "PERATURAN PRESIDEN … TENTANG SISTEM …" → "Peraturan Presiden … tentang Sistem …". */
function titleCase(text: string): string {
  return text
    .toLowerCase()
    .split(" ")
    .map((word, i) => (i > 0 && LOWER_WORDS.has(word) && !KEEP_CAPITALISED.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(" ");
}

function regulationTitle(lines: PageLine[]): string | undefined {
  const start = lines.findIndex((line) => OFFICIAL_START.test(line.text));
  if (start < 0 || start > 6) return undefined;
  const heading: string[] = [];
  for (const line of lines.slice(start, start + 10)) {
    if (HEADING_END.test(line.text)) break;
    heading.push(line.text);
  }
  let joined = heading.join(" ").replace(/\s+/g, " ").trim();
  if (!/\bNOMOR\b[\s\S]*\bTENTANG\b/i.test(joined)) {
    // A circular or decision without "tentang" ("SURAT EDARAN NOMOR 7 TAHUN 2024"): the heading ends with its number.
    const numbered = /^(.*?\bNOMOR\s+[\w./-]+(?:\s+TAHUN\s+\d{4})?)/i.exec(joined)?.[1];
    if (!numbered || numbered.split(" ").length > 16) return undefined;
    joined = numbered;
  }
  return isUpper(joined) ? titleCase(joined) : joined;
}

function isUpper(text: string): boolean {
  return text === text.toUpperCase();
}

/** Lines set larger than the body text at the top of the first page. */
function largeHeading(lines: PageLine[]): string | undefined {
  // The body's size is the one most of the page's characters are set in.
  const characters = new Map<number, number>();
  for (const line of lines) characters.set(line.size, (characters.get(line.size) ?? 0) + line.text.length);
  const body = [...characters].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const heading: string[] = [];
  for (const line of lines.slice(0, 4)) {
    if (line.size >= 1.2 * body) heading.push(line.text);
    else break;
  }
  return heading.length > 0 ? heading.join(" ") : undefined;
}

/** A regulation's own heading, else a large heading on page 1, else the PDF's Title, else the file name. */
export function documentTitle(firstPage: PageLine[], infoTitle: string | undefined, fileName: string): string {
  return (regulationTitle(firstPage) ?? largeHeading(firstPage) ?? (infoTitle?.trim() || undefined) ?? path.basename(fileName, path.extname(fileName)).replace(/[-_]+/g, " ")).slice(0, 300);
}

/** When a regulation was enacted ("Ditetapkan di Jakarta pada tanggal 2 Oktober 2018"), else promulgated. */
export function documentDate(text: string): string | undefined {
  for (const verb of ["Ditetapkan", "Diundangkan"]) {
    const match = new RegExp(`${verb}\\s+di\\s+[\\s\\S]{0,80}?pada\\s+tanggal\\s+([^\\n]{6,30})`, "i").exec(text);
    const date = match ? findDateInText(match[1]!) : null;
    if (date) return date;
  }
  return undefined;
}
