import type { Language } from "../retrieval/language.js";

/**
 * Interface words of the bot in Indonesian and English. Answer texts reuse src/answer/i18n.ts
 * (answerIntro, sources, notFound, covers); these are the chat-only words around them.
 */
export const BOT_WORDS = {
  id: {
    greeting: (name: string) => `Halo, ${name}! Saya Tanya e-Gov.`,
    intro: "Saya menjawab pertanyaan tentang program e-government dengan mengutip artikel berita di basis pengetahuan, lengkap dengan nomor sumber.",
    examplesTitle: "Contoh pertanyaan:",
    examples: [
      "Ke mana pejabat Bandung Barat studi banding e-government?",
      "Apa itu SPBE?",
      "Negara mana yang mengadopsi e-government Yogyakarta?",
    ],
    helpTitle: "Cara memakai bot ini",
    helpPrivate: "Di chat pribadi: kirim pertanyaan Anda sebagai teks.",
    helpGroup: "Di grup: /ask <pertanyaan>, sebut saya (@{bot}) di pesan, atau balas pesan saya.",
    helpInline: "Di chat mana pun: ketik @{bot} <pertanyaan> lalu pilih jawabannya.",
    helpButtons: "Tombol di bawah jawaban: sumber lainnya, kutipan lengkap, dan 👍/👎 untuk menilai jawaban.",
    helpCommands: "Perintah: /sources daftar artikel, /help bantuan ini.",
    helpAdmin: "Admin: /reload muat ulang folder pengetahuan, /remove <id> hapus artikel, /stats statistik, kirim berkas .txt/.md/.html untuk menambah artikel.",
    sourcesTitle: (count: number) => `Basis pengetahuan memuat ${count} artikel:`,
    sourcesEmpty: "Basis pengetahuan masih kosong.",
    sendText: "Kirim pertanyaan Anda sebagai teks, ya. Saya belum bisa membaca stiker, foto, suara, atau video.",
    askUsage: "Tulis pertanyaannya setelah perintah, misalnya: /ask Apa itu SPBE?",
    mentionUsage: "Ada yang bisa saya bantu? Tulis pertanyaan Anda setelah menyebut saya.",
    tooLong: (max: number) => `Pertanyaannya terlalu panjang; saya hanya membaca ${max} karakter pertama.`,
    rateLimited: "Pelan-pelan ya 🙂 Anda mengirim terlalu banyak pertanyaan. Coba lagi sebentar lagi.",
    chatRateLimited: "Grup ini sedang mengirim banyak sekali pertanyaan 🙂 Saya lanjut menjawab sebentar lagi; coba lagi dalam satu menit.",
    error: "Maaf, terjadi kesalahan saat memproses pesan Anda. Silakan coba lagi.",
    notAllowed: "Maaf, bot ini tidak melayani chat ini.",
    more: "Sumber lainnya",
    fullPassage: "Kutipan lengkap",
    moreTitle: "Sumber lainnya:",
    noMore: "Tidak ada sumber lain lagi.",
    passageTitle: "Kutipan lengkap dari",
    passageMissing: "Bagian artikel itu sudah tidak ada di basis pengetahuan.",
    expired: "Jawaban ini sudah kedaluwarsa. Silakan ajukan pertanyaannya lagi.",
    invalidButton: "Tombol ini tidak berlaku lagi.",
    thanksUp: "Terima kasih atas penilaiannya! 👍",
    thanksDown: "Terima kasih, masukan Anda dicatat. 👎",
    inlineHint: "Ketik pertanyaan tentang e-government…",
    inlineNotFound: "Belum ada jawaban — tanya di chat pribadi",
    inlineAnswerTitle: "Jawaban dengan kutipan",
    inlineRelatedTitle: "Bagian terkait, tanpa jawaban langsung",
    inlineLimited: "Terlalu banyak permintaan — tunggu sebentar",
    adminOnly: "Maaf, hanya admin bot yang boleh melakukan itu.",
    uploadAdminOnly: "Maaf, hanya admin bot yang boleh menambah artikel. Untuk bertanya, kirim pertanyaan sebagai teks.",
  },
  en: {
    greeting: (name: string) => `Hello, ${name}! I'm Tanya e-Gov.`,
    intro: "I answer questions about e-government programs by quoting news articles from my knowledge base, with numbered sources.",
    examplesTitle: "Example questions:",
    examples: [
      "Which region did Bandung Barat study?",
      "What is SPBE?",
      "Which country adopted Yogyakarta's e-government?",
    ],
    helpTitle: "How to use this bot",
    helpPrivate: "In a private chat: send your question as text.",
    helpGroup: "In groups: /ask <question>, mention me (@{bot}) in a message, or reply to one of my messages.",
    helpInline: "In any chat: type @{bot} <question> and pick the answer.",
    helpButtons: "Buttons under an answer: more sources, the full passage, and 👍/👎 to rate the answer.",
    helpCommands: "Commands: /sources lists the articles, /help shows this help.",
    helpAdmin: "Admins: /reload re-reads the knowledge folder, /remove <id> deletes an article, /stats shows statistics, send a .txt/.md/.html file to add an article.",
    sourcesTitle: (count: number) => `The knowledge base holds ${count} articles:`,
    sourcesEmpty: "The knowledge base is empty.",
    sendText: "Please send your question as text. I can't read stickers, photos, voice or video messages.",
    askUsage: "Put the question after the command, for example: /ask What is SPBE?",
    mentionUsage: "How can I help? Write your question after mentioning me.",
    tooLong: (max: number) => `That question is very long; I only read its first ${max} characters.`,
    rateLimited: "Easy there 🙂 you are sending questions too fast. Please try again in a moment.",
    chatRateLimited: "This group is sending a lot of questions at once 🙂 I'll answer again shortly; please try again in a minute.",
    error: "Sorry, something went wrong while handling your message. Please try again.",
    notAllowed: "Sorry, this bot does not serve this chat.",
    more: "More sources",
    fullPassage: "Full passage",
    moreTitle: "More sources:",
    noMore: "There are no more sources.",
    passageTitle: "Full passage from",
    passageMissing: "That part of the article is no longer in the knowledge base.",
    expired: "This answer has expired. Please ask the question again.",
    invalidButton: "This button is no longer valid.",
    thanksUp: "Thanks for the rating! 👍",
    thanksDown: "Thanks, your feedback was noted. 👎",
    inlineHint: "Type a question about e-government…",
    inlineNotFound: "No answer found — ask in a private chat",
    inlineAnswerTitle: "Answer with quotes",
    inlineRelatedTitle: "Related passages, no direct answer",
    inlineLimited: "Too many requests — wait a moment",
    adminOnly: "Sorry, only the bot's administrators can do that.",
    uploadAdminOnly: "Sorry, only the bot's administrators can add articles. To ask a question, send it as text.",
  },
} as const;

export type BotWords = (typeof BOT_WORDS)["id"] | (typeof BOT_WORDS)["en"];

export function botWords(lang: Language): BotWords {
  return BOT_WORDS[lang];
}

/** Telegram's `language_code` ("en", "en-GB", ...) → interface language; everyone else gets Indonesian. */
export function languageOfUser(languageCode: string | undefined): Language {
  return languageCode?.toLowerCase().startsWith("en") ? "en" : "id";
}

/** Admin-only words. Admins are operators, so these stay in English (logs and reports are English too). */
export const ADMIN_WORDS = {
  reloadStarted: "Refreshing the index from the knowledge folder…",
  reloadProgress: (done: number, total: number) => `Refreshing the index… embedded ${done}/${total} passages`,
  reloadDone: "Refresh finished.",
  reloadFailed: (reason: string) => `Refresh failed: ${reason}\nThe previous index keeps serving questions.`,
  refreshDiskFull: (detail: string) => `the disk holding the index (DATA_DIR) is full (${detail}). Free some space, then /reload.`,
  refreshNotWritable: (detail: string) => `the index folder (DATA_DIR) cannot be written (${detail}).`,
  refreshLocked: "another refresh (npm run ingest, or another bot process) holds the index lock; /reload again when it has finished.",
  uploadNotIndexed: (file: string, reason: string) => `Saved ${file} in the knowledge folder, but the index could not be updated: ${reason}\nThe previous index keeps serving; the article is indexed by the next successful /reload.`,
  removeNotIndexed: (files: string, reason: string) => `Moved ${files} to the knowledge folder's .trash, but the index could not be updated: ${reason}\nThe previous index (still quoting it) keeps serving until the next successful /reload.`,
  uploadReceiving: (name: string) => `Received ${name}; downloading…`,
  uploadIndexing: (name: string) => `Indexing ${name}…`,
  uploadAdded: (title: string, id: string) => `Added article “${title}” (id ${id}).`,
  uploadReplaced: (files: string) => `It replaces: ${files} (kept in the knowledge folder's .trash).`,
  uploadRejected: (reason: string) => `The file was not added: ${reason}`,
  uploadTooBig: (name: string, size: string, max: string) => `${name} is ${size}; the upload limit is ${max}.`,
  uploadNoName: "The document has no file name; send it as a .txt, .md or .html file.",
  uploadDownloadFailed: (reason: string) => `Could not download the file from Telegram: ${reason}`,
  removeUsage: "Usage: /remove <article id or file name>. Pick one below or see /sources.",
  removeNone: "The knowledge base has no articles to remove.",
  removeNotFound: (what: string) => `There is no article “${what}”. See /sources for the ids.`,
  removeDone: (files: string) => `Removed ${files} (moved to the knowledge folder's .trash).`,
  statsTitle: "Statistics",
  statsAnswered: (n: number) => `Questions answered: ${n}`,
  statsNotFound: (n: number) => `Not found: ${n}`,
  statsFeedback: (up: number, down: number) => `Feedback: 👍 ${up} · 👎 ${down}`,
  statsTop: "Most asked:",
  statsNoQuestions: "No questions yet.",
  statsSince: (date: string) => `Since ${date}`,
} as const;
