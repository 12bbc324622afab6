import type { Language } from "../retrieval/language.js";

/** Fixed interface words in the asker's language; article text is always quoted as written. */
export const WORDS = {
  id: {
    answerIntro: "Menurut basis pengetahuan:",
    sources: "Sumber",
    notFound: "Maaf, basis pengetahuan belum memuat informasi yang relevan untuk pertanyaan itu.",
    covers: "Basis pengetahuan saat ini memuat artikel tentang:",
    emptyQuestion: "Tulis pertanyaan Anda, misalnya: Ke mana pejabat Bandung Barat studi banding?",
    unknownSource: "sumber tidak disebut",
  },
  en: {
    answerIntro: "From the knowledge base:",
    sources: "Sources",
    notFound: "Sorry, the knowledge base has nothing relevant to that question.",
    covers: "The knowledge base currently covers:",
    emptyQuestion: "Type your question, for example: Which region did Bandung Barat study?",
    unknownSource: "outlet not named",
  },
} satisfies Record<Language, Record<string, string>>;

export function words(lang: Language): (typeof WORDS)["id"] {
  return WORDS[lang];
}
