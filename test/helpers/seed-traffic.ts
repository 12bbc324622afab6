/**
 * Questions about the seed articles (plus one out of scope) for traffic generators: the bot round-trip
 * benchmark and the load test. Written for the seed knowledge base, not taken from evaluation data.
 */
export const SEED_TRAFFIC_QUESTIONS = [
  "Ke mana pejabat Bandung Barat studi banding?",
  "which region did Bandung Barat study?",
  "Negara mana yang ingin mengadopsi e-government Pemkot Jogja?",
  "Siapa Walikota Surabaya yang menyambut kerja sama dengan Kemlu?",
  "Which ministry trained civil servants in Korea?",
  "Apa yang diminta Mendagri kepada pemda soal e-gov?",
  "What is SPBE?",
  "Apa manfaat e-government bagi pelayanan publik?",
  "Aplikasi apa saja yang diterapkan Banyuwangi?",
  "Siapa pemenang Piala Dunia 2018?",
] as const;
