/**
 * Builds src/retrieval/lexicon/id-synonyms.tsv, the Indonesian synonym list that lets a question's word meet
 * the article's ("biaya" → "anggaran"), from the Indonesian thesaurus of LibreOffice's dictionaries (Ali Ahmadi,
 * LGPL-2.1), as packaged by Debian (`apt-get install mythes-id`). A development-time step: the generated file is
 * committed, so users need neither the package nor this script.
 *
 * Usage: npx tsx scripts/build-synonyms.ts [path/to/th_id_ID_v2.dat]
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../src/config/settings.js";

const source = process.argv[2] ?? "/usr/share/mythes/th_id_ID_v2.dat";
const target = path.join(PROJECT_ROOT, "src/retrieval/lexicon/id-synonyms.tsv");
/** Synonyms kept per headword: the thesaurus lists up to dozens; the first ones of each sense are the closest. */
const MAX_SYNONYMS = 6;
const SINGLE_WORD = /^\p{Ll}[\p{Ll}-]*$/u;

// MyThes format: the first line names the encoding; then "headword|senses", followed by one line per sense:
// "[pos]|synonym|synonym|…" ("[ant]" lines are antonyms).
const lines = readFileSync(source, "latin1").split("\n").slice(1);
const entries: string[] = [];
for (let i = 0; i < lines.length; i++) {
  const [headword, count] = lines[i]!.split("|");
  const senses = Number(count);
  if (!headword || !Number.isInteger(senses)) continue;
  const synonyms = new Set<string>();
  for (const sense of lines.slice(i + 1, i + 1 + senses)) {
    const [pos, ...words] = sense.split("|");
    if (pos === "[ant]") continue;
    for (const word of words.slice(0, MAX_SYNONYMS)) if (SINGLE_WORD.test(word) && word !== headword) synonyms.add(word);
  }
  i += senses;
  if (SINGLE_WORD.test(headword) && synonyms.size > 0) entries.push(`${headword}\t${[...synonyms].slice(0, MAX_SYNONYMS).join(";")}`);
}
writeFileSync(target, `${entries.join("\n")}\n`);
process.stdout.write(`${entries.length} headwords → ${target}\n`);
