/**
 * What kind of answer a question asks for, read from its question words (Indonesian and English), and whether
 * a sentence can state that kind of answer. A sentence that shares the question's words but holds no date for
 * "kapan", no number for "berapa" or no name for "siapa" names the topic without answering it.
 *
 * Hand-written: no library covers Indonesian question words or Indonesian number words; the patterns are the
 * language's general vocabulary (question words, number words, titles, connectives), nothing specific to a
 * knowledge base.
 */
export type AnswerType = "time" | "number" | "person" | "place" | "definition" | "reason";

export const ANSWER_TYPES: readonly AnswerType[] = ["time", "number", "person", "place", "definition", "reason"];

/**
 * Question words by the answer they ask for, tried in order: "tahun berapa" (which year) is a time before
 * "berapa" makes it a number, and "di kota mana" is a place before anything else.
 */
const QUESTION_PATTERNS: Array<[AnswerType, RegExp]> = [
  ["time", /\b(?:kapan(?:kah)?|(?:sejak|sampai|hingga) kapan|(?:tahun|tanggal|bulan|abad|hari|pukul|jam) (?:berapa|apa)(?:kah)?|when|what (?:year|date|time|day|month|century)|(?:in|on) which (?:year|date|day|month))\b/iu],
  ["place", /\b(?:di ?mana(?:kah)?|ke ?mana(?:kah)?|dari ?mana(?:kah)?|(?:kota|negara|provinsi|kabupaten|daerah|wilayah|pulau|benua|desa|kecamatan|tempat|lokasi)(?:nya)? (?:mana|apa)(?:kah)?|where|(?:which|what) (?:city|country|province|regency|region|island|continent|village|district|place|town))\b/iu],
  ["number", /\b(?:berapa(?:kah)?|how (?:many|much|long|old|far|big|large|tall|high)|what (?:percentage|number|amount))\b/iu],
  ["person", /\b(?:siapa(?:kah)?|who(?:m|se)?)\b/iu],
  ["reason", /\b(?:mengapa|kenapa|(?:apa|apakah) (?:alasan|sebab|penyebab)|why|what (?:caused|causes|is the reason))\b/iu],
  ["definition", /\b(?:apa(?:kah)? (?:itu|yang dimaksud|arti|pengertian|definisi)\b|apa(?:kah)? \S+ itu\b|what (?:is|are|was|were) (?:an? )?[\p{L}\p{N}!-]+(?: [\p{L}\p{N}!-]+)?\s*\??$|what does .+ mean\b|define\b)/iu],
];

export function answerTypeOf(question: string): AnswerType | undefined {
  return QUESTION_PATTERNS.find(([, pattern]) => pattern.test(question))?.[0];
}

const MONTHS = "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|november|nopember|desember|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des|january|february|march|may|june|july|august|october|december";
const DAYS = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad";
const NUMBER_WORDS =
  "(?<!salah )satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|\\p{L}+ belas|puluh|puluhan|ratus|ratusan|ribu|ribuan|juta|jutaan|miliar|milyar|triliun|seratus|seribu|sejuta|setengah|separuh|belasan|sebagian|pertama|kedua|ketiga|keempat|kelima";
const TITLES =
  "bapak|ibu|pak|bu|dr|prof|ir|drs|dra|hj?|kh|presiden|wakil presiden|menteri|gubernur|bupati|wali ?kota|camat|lurah|kepala|direktur|ketua|sekretaris|raja|ratu|sultan|jenderal|kapolri|kapolda|panglima|rektor|dosen|penulis|pendiri|pencipta|pemimpin|tokoh|sutradara|penyanyi|pemain|pelatih|anggota|juru bicara|kabid|kadis|mayor|letnan|kolonel|sir|santo|nabi";
const PLACE_NOUNS = "kota|kabupaten|provinsi|negara|desa|kelurahan|kecamatan|pulau|jalan|jl|gedung|kampung|distrik|benua|kerajaan|teluk|gunung|sungai|danau|selat|laut|samudra|samudera|wilayah|daerah|kawasan";

/** "gubernur|kota" → "[Gg]ubernur|[Kk]ota": the word may start a sentence, while the name after it must stay capitalised. */
function eitherCase(words: string): string {
  return words
    .split("|")
    .map((word) => `[${word[0]!.toUpperCase()}${word[0]}]${word.slice(1)}`)
    .join("|");
}

/**
 * Patterns a sentence's text must match to hold each answer type; the first capturing group that matched is the
 * candidate answer (a year, a number, a name), so an answer that only repeats the question can be told apart.
 */
const SENTENCE_PATTERNS: Record<AnswerType, RegExp> = {
  // A year, a date or month, a weekday, a clock time, a century.
  time: new RegExp(`\\b(1[0-9]{3}|20[0-9]{2}|${MONTHS}|${DAYS}|abad)\\b|\\b(?:pukul|jam) (\\d[\\d.:]*)|\\b(\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4})\\b`, "giu"),
  // Digits (with or without "Rp", "%", units), or a number word ("lima", "puluhan", "Rp8 miliar").
  number: new RegExp(`(\\d+(?:[.,]\\d+)*)|\\b(${NUMBER_WORDS}|persen)\\b`, "giu"),
  // A title followed by a capitalised word, two capitalised words in a row (a full name) after the first word,
  // a capitalised word after a lower-case one (a single name: "… diproklamasikan Soekarno"), or the agent of a
  // passive ("dilakukan oleh tim evaluator"): in government texts who does something is as often a team, an
  // office or a ministry as a person ("oleh karena itu", therefore, is not an agent).
  person: new RegExp(`\\b(?:${eitherCase(TITLES)})\\.? +(\\p{Lu}[\\p{L}'.-]*)|[^.!?\\s]\\s+(\\p{Lu}[\\p{L}'.-]+ +(?:(?:bin|binti|van|von|de|da|al|el) +)?\\p{Lu}[\\p{L}'.-]+)|\\p{Ll}[\\p{Ll},]* +(\\p{Lu}\\p{Ll}[\\p{L}'.-]*)|\\b[Oo]leh +(?!(?:karena|sebab)\\b)(\\p{L}[\\p{L}'.-]*)`, "gu"),
  // A preposition or place noun followed by a capitalised name, or a name after a lower-case word ("… dan
  // Nigeria terbawah"): countries and cities are often named bare.
  place: new RegExp(`\\b(?:${eitherCase(`di|ke|dari|dekat|in|at|near|${PLACE_NOUNS}`)}) +(\\p{Lu}[\\p{L}'.-]*)|\\p{Ll}[\\p{Ll},]* +(\\p{Lu}\\p{Ll}[\\p{L}'.-]*)`, "gu"),
  definition: /\b(adalah|merupakan|yaitu|yakni|ialah|disebut|dikenal sebagai|berfungsi sebagai|artinya|berarti|bertujuan)\b/giu,
  reason: /\b(karena|sebab|disebabkan|dikarenakan|akibat|sehingga|agar|supaya|oleh karena itu|oleh sebab itu|maka|alasan|bertujuan|demi|dampak)\b/giu,
};

/** Types whose candidate answer is a value (a date, a number, a name) that the question itself may already contain. */
const VALUE_TYPES = new Set<AnswerType>(["time", "number", "person", "place"]);

/** The candidate answers of one type in a sentence, as lower-case words; empty when it holds none. */
function candidatesIn(type: AnswerType, sentence: string): string[] {
  const words: string[] = [];
  for (const match of sentence.matchAll(SENTENCE_PATTERNS[type])) {
    const found = match.slice(1).find((group) => group !== undefined) ?? match[0];
    words.push(...found.toLowerCase().split(/\s+/u));
  }
  return words;
}

/** Whether a sentence can state an answer of this type (not that it does: that needs the question's words too). */
export function holdsAnswerType(type: AnswerType, sentence: string): boolean {
  return candidatesIn(type, sentence).length > 0;
}

/** Per answer type a sentence can hold, its candidate answers (lower-case words); computed once per sentence. */
export type SentenceAnswers = ReadonlyMap<AnswerType, readonly string[]>;

export function answerTypesIn(sentence: string): SentenceAnswers {
  const found = new Map<AnswerType, string[]>();
  for (const type of ANSWER_TYPES) {
    const words = candidatesIn(type, sentence);
    if (words.length > 0) found.set(type, words);
  }
  return found;
}

/**
 * Whether a sentence holds an answer of the type that is not just the question's own words: "Kapan Festival
 * 2005 dibuka?" is not answered by the sentence that repeats "2005", "Siapa pendiri Gojek?" not by "Gojek".
 */
export function holdsNewAnswer(type: AnswerType, answers: SentenceAnswers, questionWords: ReadonlySet<string>): boolean {
  const words = answers.get(type);
  if (!words) return false;
  return !VALUE_TYPES.has(type) || words.some((word) => !questionWords.has(word.replace(/[.,'-]+$/u, "")));
}
