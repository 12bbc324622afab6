import type { AnswerType } from "../retrieval/answer-type.js";
import type { Language } from "../retrieval/language.js";
import type { Answer } from "./answer.js";

/** Fixed interface words in the asker's language; article text is always quoted as written. */
export const WORDS = {
  id: {
    answerIntro: "Menurut basis pengetahuan:",
    relatedIntro: (what: string) => `Ditemukan bagian terkait, tetapi tidak ada yang menyebut ${what} secara langsung:`,
    sources: "Sumber",
    notFound: "Maaf, basis pengetahuan belum memuat informasi yang relevan untuk pertanyaan itu.",
    covers: "Basis pengetahuan saat ini memuat artikel tentang:",
    emptyQuestion: "Tulis pertanyaan Anda, misalnya: Ke mana pejabat Bandung Barat studi banding?",
    unknownSource: "sumber tidak disebut",
  },
  en: {
    answerIntro: "From the knowledge base:",
    relatedIntro: (what: string) => `Related passages found, but none states ${what} directly:`,
    sources: "Sources",
    notFound: "Sorry, the knowledge base has nothing relevant to that question.",
    covers: "The knowledge base currently covers:",
    emptyQuestion: "Type your question, for example: Which region did Bandung Barat study?",
    unknownSource: "outlet not named",
  },
} satisfies Record<Language, Record<string, string | ((what: string) => string)>>;

/** What a related answer says is missing, by the kind of answer asked for. */
const MISSING: Record<Language, Record<AnswerType | "any", string>> = {
  id: { time: "tanggal atau waktunya", number: "jumlahnya", person: "namanya", place: "tempatnya", definition: "pengertiannya", reason: "alasannya", any: "jawabannya" },
  en: { time: "the date or time", number: "the number", person: "the name", place: "the place", definition: "what it is", reason: "the reason", any: "the answer" },
};

/** The line above the quotes: "From the knowledge base:" for a direct answer, what is missing for a related one. */
export function answerIntro(answer: Pick<Answer, "lang" | "kind" | "asked">): string {
  const w = words(answer.lang);
  return answer.kind === "related" ? w.relatedIntro(MISSING[answer.lang][answer.asked ?? "any"]) : w.answerIntro;
}

export function words(lang: Language): (typeof WORDS)["id"] {
  return WORDS[lang];
}
