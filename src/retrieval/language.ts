import { stopwords as englishStopwords } from "@orama/stopwords/english";
import { stopwords as indonesianStopwords } from "@orama/stopwords/indonesian";

export type Language = "id" | "en";

const ENGLISH = new Set(englishStopwords);
const INDONESIAN = new Set(indonesianStopwords);
/** Frequent English question and function words missing from the stopword list, and Indonesian ones. */
const ENGLISH_HINTS = new Set(["which", "what", "who", "whom", "where", "when", "why", "how", "does", "did", "is", "are", "was", "were", "the", "of", "and", "to", "in", "for", "with", "about"]);
const INDONESIAN_HINTS = new Set(["apa", "apakah", "siapa", "mana", "dimana", "kapan", "bagaimana", "berapa", "mengapa", "kenapa", "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "tentang", "adalah", "oleh"]);

/** Question words that open a question in either language. */
const ENGLISH_QUESTION_WORDS = new Set(["which", "what", "who", "whom", "whose", "where", "when", "why", "how"]);
const INDONESIAN_QUESTION_WORDS = new Set(["apa", "apakah", "siapa", "mana", "dimana", "kemana", "darimana", "kapan", "bagaimana", "berapa", "mengapa", "kenapa", "bilamana"]);
/** The emphatic particle a question word often carries: "siapakah", "kapankah", "dimanakah". */
const PARTICLE = /(?<=\p{L}{3})(?:kah|lah)$/u;
/** The opening question word says which language frames the question: it outweighs this many other hints. */
const OPENING_WEIGHT = 3;

/**
 * English or Indonesian, from function words: questions are too short for n-gram language detectors
 * (which confuse Indonesian with Malay and with English loanwords), but their function words are decisive.
 * The word that opens the question counts most: "Siapakah penulis The Chronicles of Narnia?" is an
 * Indonesian question about an English title, and "What is the Kartu Prakerja?" an English one.
 */
export function detectLanguage(text: string): Language {
  let en = 0;
  let id = 0;
  const tokens = text.match(/\p{L}+/gu) ?? [];
  const named = nameWords(tokens);
  tokens.forEach((token, position) => {
    // A word of a title or name ("The Chronicles of Narnia", "Dinas Komunikasi dan Informatika") says nothing
    // about the language the question is asked in.
    if (named[position]) return;
    const word = token.toLowerCase();
    const bare = word.replace(PARTICLE, "");
    if (ENGLISH_HINTS.has(word)) en += 2;
    else if (ENGLISH.has(word)) en += 1;
    if (INDONESIAN_HINTS.has(bare)) id += 2;
    else if (INDONESIAN.has(bare)) id += 1;
    if (/^(me[mnr]?|di|ber|ter|pe[mnr]?)\p{L}{3,}(kan|an|i|nya)$/u.test(word)) id += 1;
    if (position === 0 && ENGLISH_QUESTION_WORDS.has(word)) en += OPENING_WEIGHT;
    if (position === 0 && INDONESIAN_QUESTION_WORDS.has(bare)) id += OPENING_WEIGHT;
  });
  return en > id ? "en" : "id";
}

/** Short lowercase words that join the capitalised words of one title or name. */
const NAME_JOINERS = new Set(["of", "the", "and", "to", "in", "for", "on", "a", "an", "at", "dan", "di", "ke", "dari", "untuk", "atau"]);

/**
 * Which tokens belong to a title or name: capitalised words after the first, and the joiners between two of
 * them ("of the" in "The Smart Village of the Future").
 */
function nameWords(tokens: readonly string[]): boolean[] {
  const capital = tokens.map((token, i) => i > 0 && /^\p{Lu}/u.test(token));
  const named = [...capital];
  for (let i = 1; i < tokens.length; i++) {
    if (capital[i] || !NAME_JOINERS.has(tokens[i]!)) continue;
    let next = i + 1;
    while (next < tokens.length && !capital[next] && NAME_JOINERS.has(tokens[next]!)) next++;
    if (named[i - 1] && capital[next]) for (let j = i; j < next; j++) named[j] = true;
  }
  return named;
}

export function isEnglishStopword(word: string): boolean {
  return ENGLISH.has(word) || ENGLISH_HINTS.has(word);
}
