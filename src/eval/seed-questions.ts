import type { Language } from "../retrieval/language.js";

/**
 * Hand-written questions about the seed articles in knowledge/ (not taken from any evaluation data).
 * `eval --against-seed` checks that they are still answered from the expected article while an
 * out-of-scope evaluation set is declined, so a threshold that declines everything cannot look good.
 */
export interface SeedQuestion {
  question: string;
  lang: Language;
  /** Article id (file name stem) that should come first. */
  article: string;
  /**
   * Known to fail with the current engine (why): reported, but not counted as a sanity failure, so the
   * check guards what works today and shows when a weakness is fixed (then drop the flag).
   */
  knownWeak?: string;
}

export const SEED_QUESTIONS: readonly SeedQuestion[] = [
  { question: "Berapa anggaran Banyuwangi untuk membangun e-Government?", lang: "id", article: "banyuwangi-rujukan-e-government" },
  { question: "Aplikasi apa saja yang dimiliki Banyuwangi selain e-office?", lang: "id", article: "banyuwangi-rujukan-e-government" },
  { question: "How much did Banyuwangi spend on its e-government system?", lang: "en", article: "banyuwangi-rujukan-e-government" },
  { question: "Undang-undang apa yang mengatur penggunaan teknologi informasi untuk pelayanan publik pemerintah daerah?", lang: "id", article: "jateng-pemda-diminta-kelola-e-gov" },
  { question: "Which law regulates the use of information technology for public services by regional governments?", lang: "en", article: "jateng-pemda-diminta-kelola-e-gov" },
  { question: "Program pengelolaan sampah apa yang ditiru Pemerintah Thailand?", lang: "id", article: "jogja-e-government-diadopsi-vietnam" },
  { question: "Which country plans to adopt the e-government program of the Jogja city government?", lang: "en", article: "jogja-e-government-diadopsi-vietnam" },
  { question: "Sistem apa yang sedang dikembangkan Kemlu selain Sistem Aplikasi Aspirasi?", lang: "id", article: "kemlu-gandeng-pemkot-surabaya" },
  { question: "What is LAPOR! used for?", lang: "en", article: "kemlu-gandeng-pemkot-surabaya", knownWeak: "one rare name and a verb: confidence stays below the found threshold" },
  { question: "Berapa peserta yang dikirim Kementerian PANRB ke pelatihan e-government di Korea?", lang: "id", article: "spbe-pelatihan-e-government-korea" },
  { question: "Peraturan Presiden nomor berapa yang mengatur SPBE?", lang: "id", article: "spbe-pelatihan-e-government-korea" },
  { question: "Which Korean ministry cooperates with Indonesia on e-government training?", lang: "en", article: "spbe-pelatihan-e-government-korea" },
];
