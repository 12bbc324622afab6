import { stopwords as englishStopwords } from "@orama/stopwords/english";
import { stopwords as indonesianStopwords } from "@orama/stopwords/indonesian";

export type Language = "id" | "en";

const ENGLISH = new Set(englishStopwords);
const INDONESIAN = new Set(indonesianStopwords);
/** Frequent English question and function words missing from the stopword list, and Indonesian ones. */
const ENGLISH_HINTS = new Set(["which", "what", "who", "whom", "where", "when", "why", "how", "does", "did", "is", "are", "was", "were", "the", "of", "and", "to", "in", "for", "with", "about"]);
const INDONESIAN_HINTS = new Set(["apa", "apakah", "siapa", "mana", "dimana", "kapan", "bagaimana", "berapa", "mengapa", "kenapa", "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "tentang", "adalah", "oleh"]);

/**
 * English or Indonesian, from function words: questions are too short for n-gram language detectors
 * (which confuse Indonesian with Malay and with English loanwords), but their function words are decisive.
 */
export function detectLanguage(text: string): Language {
  let en = 0;
  let id = 0;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (ENGLISH_HINTS.has(word)) en += 2;
    else if (ENGLISH.has(word)) en += 1;
    if (INDONESIAN_HINTS.has(word)) id += 2;
    else if (INDONESIAN.has(word)) id += 1;
    if (/^(me[mnr]?|di|ber|ter|pe[mnr]?)\p{L}{3,}(kan|an|i|nya)$/u.test(word)) id += 1;
  }
  return en > id ? "en" : "id";
}

export function isEnglishStopword(word: string): boolean {
  return ENGLISH.has(word) || ENGLISH_HINTS.has(word);
}
