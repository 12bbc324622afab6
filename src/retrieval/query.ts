import type { LexicalIndex } from "../index/lexical-index.js";
import { answerTypeOf, type AnswerType } from "./answer-type.js";
import { indonesianCognates } from "./cognates.js";
import type { Glossary } from "./glossary.js";
import { Synonyms } from "./synonyms.js";
import { detectLanguage, isEnglishStopword, type Language } from "./language.js";

/** A question prepared for both retrievers. */
export interface AnalyzedQuery {
  text: string;
  lang: Language;
  /**
   * One group per concept of the question, each holding the index terms (stemmed) that express it:
   * "region" → {daerah, wilayah, kabupaten, …}. Coverage of these groups measures how much of the
   * question a passage or sentence speaks to.
   */
  termGroups: string[][];
  /**
   * Per term group, the terms a sentence may use instead, for the sentence scorer: the group itself plus, for
   * Indonesian questions, its words' synonyms ("biaya" also matches "anggaran"). Weights still come from
   * `termGroups`, and so does the coverage behind `found`: synonyms there let out-of-scope questions match
   * too often (measured: scripts/found-threshold-curve.ts, docs/benchmarks.md).
   */
  matchGroups: string[][];
  /**
   * Index terms of the names in the question (capitalised words after the first, acronyms): the topic the
   * answer must be about, so an answer sentence that names it is preferred.
   */
  names: Set<string>;
  /**
   * Text for BM25: the question plus, for English, its Indonesian glossary equivalents, with the names
   * once more: BM25 counts a repeated query term twice, so the question's subject outweighs its common words.
   */
  lexicalText: string;
  /** Texts to embed; their best similarity counts. */
  denseTexts: string[];
  /** The kind of answer the question words ask for ("kapan" a time, "siapa" a person, …), when they say. */
  answerType?: AnswerType;
}

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;

/**
 * Phrases that frame a question rather than say what it is about ("menurut kutipan tersebut", "according to
 * the passage", "which of the following"): no article states them, so as concepts they would only lower the
 * share of the question a relevant passage covers. Dropped before the question's concepts are read.
 */
const FRAMING = new RegExp(
  [
    "\\b(?:menurut|berdasarkan|sesuai(?: dengan)?|dalam) (?:kutipan|bacaan|teks|artikel|paragraf|wacana|tulisan|informasi)(?: (?:tersebut|ini|di atas|itu))?",
    "\\b(?:manakah|apakah|apa|mana)(?:kah)? (?:dari|di antara) (?:pernyataan|pilihan|hal|kalimat)(?:-\\p{L}+)?(?: berikut)?(?: ini)?",
    "\\b(?:pernyataan|pilihan|hal) berikut(?: ini)?",
    "\\b(?:according to|based on|in) the (?:passage|text|article|paragraph|author)",
    "\\bwhich of the following(?: statements?| options?)?",
    "\\b(?:mentioned|described|stated) in the (?:passage|text|article)",
    "\\b(?:disebutkan|dijelaskan|dinyatakan) (?:dalam|di) (?:kutipan|teks|artikel|bacaan)(?: (?:tersebut|ini))?",
  ].join("|"),
  "giu",
);

/** Turns Indonesian text into what the dense model compares (identity when the model reads Indonesian). */
export type DenseRendering = (indonesianText: string) => string;

export function analyzeQuery(question: string, lexical: LexicalIndex, glossary: Glossary, forcedLang?: Language, render: DenseRendering = (text) => text, synonyms: Synonyms = Synonyms.none()): AnalyzedQuery {
  const text = question.trim();
  const lang = forcedLang ?? detectLanguage(text);
  const subject = text.replace(FRAMING, " ");
  const words = subject.match(WORD) ?? [];
  const nameWords = words.filter((word, i) => (i > 0 && /^\p{Lu}/u.test(word)) || /^\p{Lu}{2,}$/u.test(word));
  const names = new Set(nameWords.flatMap((word) => lexical.terms(word)));
  if (lang === "id") {
    const termGroups = unique(lexical.terms(subject)).map((term) => [term]);
    const alternatives = new Map<string, string[]>();
    for (const word of words) {
      const [term, ...more] = lexical.terms(word);
      if (term === undefined || more.length > 0 || names.has(term)) continue;
      alternatives.set(term, [...(alternatives.get(term) ?? []), ...lexical.terms(synonyms.of(word).join(" "))]);
    }
    const matchGroups = termGroups.map((group) => unique([...group, ...(alternatives.get(group[0]!) ?? [])]));
    return { text, lang, termGroups, matchGroups, names, lexicalText: [subject, ...nameWords].join(" "), denseTexts: [render(text)], answerType: answerTypeOf(text) };
  }
  const content = words.filter((word) => !isEnglishStopword(word.toLowerCase()));
  const translated = glossary.translate(content);
  const translatedWords = new Set(translated.flatMap((entry) => entry.english.toLowerCase().split(" ")));
  const termGroups: string[][] = [];
  for (const entry of translated) {
    // The English word itself stays in the group: loanwords such as "e-government" appear in Indonesian text.
    const group = unique([...lexical.terms(entry.indonesian.join(" ")), ...lexical.terms(entry.english)]);
    if (group.length > 0) termGroups.push(group);
  }
  const untranslated = content.filter((word) => !translatedWords.has(word.toLowerCase()));
  const cognates: string[] = [];
  for (const word of untranslated) {
    // Names and loanwords stay as written; regular loanword spellings are tried too ("capacity" → "kapasitas").
    const forms = indonesianCognates(word);
    cognates.push(...forms);
    const terms = unique([...lexical.terms(word), ...lexical.terms(forms.join(" "))]);
    if (terms.length > 0) termGroups.push(terms);
  }
  const indonesian = translated.map((entry) => entry.indonesian.join(" "));
  const lexicalText = [...content, ...cognates, ...indonesian, ...nameWords].join(" ");
  return { text, lang, termGroups, matchGroups: termGroups, names, lexicalText, denseTexts: [text], answerType: answerTypeOf(text) };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Share of the query's term groups that the given index terms cover, from 0 to 1. */
export function coverage(groups: string[][], terms: ReadonlySet<string>): number {
  if (groups.length === 0) return 0;
  return groups.filter((group) => group.some((term) => terms.has(term))).length / groups.length;
}

/** Whether a concept (term group) of the question is one of its names. */
export function namesAConcept(query: Pick<AnalyzedQuery, "names">, group: readonly string[]): boolean {
  return group.some((term) => query.names.has(term));
}

/**
 * Share of the question's names (the concepts holding one of its name terms) that the given index terms
 * mention; 1 when the question names nothing. A passage about another subject often shares a question's common
 * words ("kapan", "pemerintah", "pertama") but rarely its names.
 */
export function namesMentioned(query: AnalyzedQuery, terms: ReadonlySet<string>): number {
  const named = query.termGroups.filter((group) => namesAConcept(query, group));
  return named.length === 0 ? 1 : coverage(named, terms);
}
