/** Indonesian and English month names → month number, for dates written out in article text. */
const MONTHS: Record<string, number> = {
  januari: 1, january: 1, jan: 1,
  februari: 2, pebruari: 2, february: 2, feb: 2,
  maret: 3, march: 3, mar: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, june: 6, jun: 6,
  juli: 7, july: 7, jul: 7,
  agustus: 8, august: 8, agu: 8, agt: 8, aug: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, october: 10, okt: 10, oct: 10,
  november: 11, nopember: 11, nov: 11,
  desember: 12, december: 12, des: 12, dec: 12,
};

const ID_MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
const EN_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function iso(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Normalises a front-matter date (string, Date or YAML timestamp) to YYYY-MM-DD, or null. */
export function normaliseDate(value: unknown): string | null {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  const isoMatch = /^(\d{4})-(\d{2})-(\d{2})/.exec(trimmed);
  if (isoMatch) return iso(Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3]));
  return findDateInText(trimmed);
}

/**
 * The first complete date written in the text: "24 September 2019", "Jumat 26 Juli 2013" or "(1/11/2017)".
 * Dates without a year ("Senin (27/5)") are not guessed.
 */
export function findDateInText(text: string): string | null {
  const written = /\b(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+((?:19|20)\d{2})\b/g;
  for (const match of text.matchAll(written)) {
    const month = MONTHS[match[2]!.toLowerCase()];
    if (month) {
      const date = iso(Number(match[3]), month, Number(match[1]));
      if (date) return date;
    }
  }
  const numeric = /\((\d{1,2})\/(\d{1,2})\/((?:19|20)\d{2})\)/.exec(text);
  if (numeric) return iso(Number(numeric[3]), Number(numeric[2]), Number(numeric[1]));
  return null;
}

/** "2019-09-24" → "24 September 2019" in the reader's language. */
export function formatDate(isoDate: string, lang: "id" | "en"): string {
  const [year, month, day] = isoDate.split("-").map(Number);
  const names = lang === "en" ? EN_MONTH_NAMES : ID_MONTH_NAMES;
  return `${day} ${names[(month ?? 1) - 1]} ${year}`;
}
