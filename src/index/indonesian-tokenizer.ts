import { components } from "@orama/orama";
import { stemmer } from "@orama/stemmers/indonesian";
import { stopwords } from "@orama/stopwords/indonesian";

/**
 * Orama's Indonesian tokenizer: lower-casing, splitting, its stopword list and the Snowball Indonesian
 * stemmer. Duplicates are kept so term frequencies stay meaningful for BM25.
 */
const tokenizer = components.tokenizer.createTokenizer({ language: "indonesian", stemming: true, stemmer, stopWords: [...stopwords], allowDuplicates: true });

/** Terms of a text exactly as the lexical index sees them (with repeats). */
export function indonesianTerms(text: string): string[] {
  return tokenizer.tokenize(text, "indonesian", "text", false) as string[];
}
