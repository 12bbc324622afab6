import { indonesianTerms } from "../index/indonesian-tokenizer.js";
import type { Glossary } from "./glossary.js";

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;

/**
 * Word-by-word Indonesian → English rendering ("dictionary translation") for the dense retriever.
 * The bundled embedding model only knows English, so passages and Indonesian questions are embedded as
 * pseudo-English: each Indonesian word (by stem) becomes its most common English equivalent, names and
 * numbers stay. Crude as translation, but it puts both languages into the model's English space, where
 * it understands meaning. Hand-written: no maintained offline Indonesian→English translator exists on npm.
 */
export class PseudoEnglish {
  private constructor(private readonly byStem: Map<string, string>) {}

  /** Inverts an English → Indonesian glossary; an Indonesian word's first-listed sense wins. */
  static fromGlossary(glossary: Glossary): PseudoEnglish {
    const byStem = new Map<string, string>();
    const entries = glossary.list().filter((entry) => !entry.english.includes(" "));
    // Primary translations first, then secondary ones, so "rumah" → "house", not "home".
    for (let position = 0; position < 4; position++) {
      for (const entry of entries) {
        const indonesian = entry.indonesian[position];
        if (!indonesian || indonesian.includes(" ")) continue;
        const [stem] = indonesianTerms(indonesian);
        if (stem && !byStem.has(stem)) byStem.set(stem, entry.english);
      }
    }
    return new PseudoEnglish(byStem);
  }

  get size(): number {
    return this.byStem.size;
  }

  render(text: string): string {
    const out: string[] = [];
    for (const word of text.match(WORD) ?? []) {
      if (/\d/.test(word)) {
        out.push(word);
        continue;
      }
      const stems = indonesianTerms(word);
      if (stems.length === 0) continue; // an Indonesian stopword
      const english = stems.map((stem) => this.byStem.get(stem));
      out.push(english.every((e) => e !== undefined) ? english.join(" ") : word);
    }
    return out.join(" ");
  }
}
