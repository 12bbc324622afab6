import { readFileSync } from "node:fs";

/**
 * Indonesian synonyms ("biaya" → anggaran, ongkos, …) from the shipped thesaurus list (lexicon/id-synonyms.tsv,
 * built by scripts/build-synonyms.ts): a question's word also counts as mentioned when a sentence uses one of
 * its synonyms. Lines: `word<TAB>synonym;synonym;…`.
 */
export class Synonyms {
  private constructor(private readonly entries: ReadonlyMap<string, readonly string[]>) {}

  static none(): Synonyms {
    return new Synonyms(new Map());
  }

  static fromFile(file: string): Synonyms {
    const entries = new Map<string, string[]>();
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const tab = line.indexOf("\t");
      if (tab <= 0) continue;
      entries.set(line.slice(0, tab), line.slice(tab + 1).split(";").filter(Boolean));
    }
    return new Synonyms(entries);
  }

  /** The synonyms of a word as written (lower-cased), none when the thesaurus does not list it. */
  of(word: string): readonly string[] {
    return this.entries.get(word.toLowerCase()) ?? [];
  }
}
