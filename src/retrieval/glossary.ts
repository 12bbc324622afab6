import { readFileSync } from "node:fs";
import { stemmer as englishStem } from "@orama/stemmers/english";

/**
 * English → Indonesian term list used to expand English questions over Indonesian articles.
 * Format (UTF-8, tab-separated): `english term or phrase<TAB>indonesian; alternatives`; `#` starts a comment.
 */
export class Glossary {
  private constructor(
    /** Stemmed English phrase (words joined by a space) → the phrase as written and its Indonesian equivalents. */
    private readonly entries: Map<string, { english: string; indonesian: string[] }>,
    private readonly longestPhrase: number,
  ) {}

  static empty(): Glossary {
    return new Glossary(new Map(), 0);
  }

  /** Later sources add to earlier ones; a missing file is simply skipped. */
  static fromFiles(files: string[]): Glossary {
    const texts: string[] = [];
    for (const file of files) {
      try {
        texts.push(readFileSync(file, "utf8"));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    return Glossary.parse(texts.join("\n"));
  }

  static parse(text: string): Glossary {
    const entries = new Map<string, { english: string; indonesian: string[] }>();
    let longest = 0;
    for (const rawLine of text.split(/\r?\n/)) {
      const line = rawLine.replace(/#.*$/, "").trim();
      if (line === "") continue;
      const [english, indonesian] = line.split("\t").map((part) => part.trim());
      if (!english || !indonesian) continue;
      const key = stemPhrase(english);
      const alternatives = indonesian.split(/[;,]/).map((term) => term.trim()).filter(Boolean);
      const existing = entries.get(key);
      entries.set(key, { english: existing?.english ?? english.toLowerCase(), indonesian: [...new Set([...(existing?.indonesian ?? []), ...alternatives])] });
      longest = Math.max(longest, key.split(" ").length);
    }
    return new Glossary(entries, longest);
  }

  /** One glossary from several, earlier ones first (their equivalents are preferred); nothing is re-parsed. */
  static merge(...glossaries: Glossary[]): Glossary {
    const entries = new Map<string, { english: string; indonesian: string[] }>();
    for (const glossary of glossaries) {
      for (const [key, entry] of glossary.entries) {
        const existing = entries.get(key);
        entries.set(key, existing ? { english: existing.english, indonesian: [...new Set([...existing.indonesian, ...entry.indonesian])] } : entry);
      }
    }
    return new Glossary(entries, Math.max(0, ...glossaries.map((glossary) => glossary.longestPhrase)));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every entry as written: English phrase and its Indonesian equivalents, in file order. */
  list(): Array<{ english: string; indonesian: string[] }> {
    return [...this.entries.values()];
  }

  /**
   * Finds glossary phrases in the words (longest match first). Returns, per matched span, the original
   * words and their Indonesian equivalents; unmatched words are left out.
   */
  translate(words: string[]): Array<{ english: string; indonesian: string[] }> {
    const stems = words.map((word) => englishStem(word.toLowerCase()));
    const found: Array<{ english: string; indonesian: string[] }> = [];
    for (let i = 0; i < words.length; ) {
      let matched = 0;
      for (let length = Math.min(this.longestPhrase, words.length - i); length >= 1; length--) {
        const entry = this.entries.get(stems.slice(i, i + length).join(" "));
        if (entry) {
          found.push({ english: words.slice(i, i + length).join(" "), indonesian: entry.indonesian });
          matched = length;
          break;
        }
      }
      i += matched || 1;
    }
    return found;
  }
}

function stemPhrase(phrase: string): string {
  return (phrase.toLowerCase().match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []).map((word) => englishStem(word)).join(" ");
}
