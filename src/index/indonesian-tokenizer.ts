import { components } from "@orama/orama";
import { stemmer } from "@orama/stemmers/indonesian";
import { stopwords } from "@orama/stopwords/indonesian";

const STOPWORDS = new Set(stopwords);
const PARTICLE = /(?:kah|lah|tah|pun)$/u;
/** Any character outside ASCII: only such texts can carry diacritics (the common case skips normalising). */
const NON_ASCII = /[^\p{ASCII}]/u;
/** "di" written together with a place pronoun ("dimana", "disana"): a preposition, not the verb prefix di-. */
const PREPOSITION_DI = /^di(?:mana|sana|sini|situ)(?:kah|lah|pun)?$/u;

/**
 * Function words the stopword list misses because they carry a particle: "siapakah", "manakah",
 * "berapakah" stem to "siapa", "mana", "apa" — stopwords that would otherwise come back as index terms
 * after stemming, and are common enough in questions to pull BM25 towards passages that repeat them.
 */
function isFunctionWord(word: string): boolean {
  const base = word.replace(PARTICLE, "");
  return (base !== word && STOPWORDS.has(base)) || PREPOSITION_DI.test(word);
}

/**
 * Orama's Indonesian tokenizer: lower-casing, splitting, its stopword list and the Snowball Indonesian
 * stemmer. Duplicates are kept so term frequencies stay meaningful for BM25.
 */
const tokenizer = components.tokenizer.createTokenizer({
  language: "indonesian",
  stemming: true,
  // An empty stem drops the token (Orama filters empty tokens). Stopwords are dropped here, through a Set,
  // rather than by Orama's `stopWords` option, which scans its ~750-word array for every token: that scan was
  // most of the tokenizer's time, and the tokenizer runs on every candidate passage of every question.
  stemmer: (word: string) => (STOPWORDS.has(word) || isFunctionWord(word) ? "" : stemmer(word)),
  stopWords: false,
  allowDuplicates: true,
});

/**
 * Letters with diacritics become plain letters before splitting: Orama splits on anything outside a–z
 * and 0–9, which cut "François" into "fran" + "ois" and "Pokémon" into "pok" + "mon".
 */
function foldDiacritics(text: string): string {
  return NON_ASCII.test(text) ? text.normalize("NFD").replace(/\p{M}+/gu, "") : text;
}

/** Terms of a text exactly as the lexical index sees them (with repeats). */
export function indonesianTerms(text: string): string[] {
  return tokenizer.tokenize(foldDiacritics(text), "indonesian", "text", false) as string[];
}
