import type { Update, UserFromGetMe, Message, MessageEntity, User, Chat } from "grammy/types";
import type { Answer, AnswerResult, Quote } from "../../src/answer/answer.js";
import { createBot, type TanyaBot } from "../../src/bot/bot.js";
import { FileGapStore } from "../../src/bot/gaps.js";
import { StatsStore } from "../../src/bot/stats.js";
import type { BotDeps, BotEngine, BotOptions } from "../../src/bot/types.js";
import { createLogger } from "../../src/config/logger.js";
import type { ArticleSummary } from "../../src/engine/engine.js";
import type { RefreshReport } from "../../src/index/refresh.js";
import type { Article } from "../../src/knowledge/article.js";
import { ArticleError } from "../../src/knowledge/parse.js";
import { detectLanguage } from "../../src/retrieval/language.js";

export const TOKEN = "123456789:AAFakeTokenForHandlerTestsOnly_xyz";
export const BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: "Tanya",
  username: "TanyaEgovBot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export const ADMIN: User = { id: 42, is_bot: false, first_name: "Admin", language_code: "en" };
export const SARI: User = { id: 1001, is_bot: false, first_name: "Sari", language_code: "id" };
export const JOHN: User = { id: 1002, is_bot: false, first_name: "John", language_code: "en-GB" };

export const ARTICLES: ArticleSummary[] = [
  { id: "banyuwangi", file: "banyuwangi.txt", title: "Penerapan e-Government di Banyuwangi Menjadi Rujukan", source: null, date: "2017-11-01", url: "https://example.org/banyuwangi?a=1&b=<2>", passages: 4 },
  { id: "jogja", file: "jogja.txt", title: "Jogja <b>e-Gov</b> & Vietnam", source: "Kompas.com", date: "2019-09-24", url: null, passages: 3 },
  { id: "surabaya", file: "surabaya.txt", title: "Kemlu gandeng Pemkot Surabaya", source: "Antara", date: null, url: null, passages: 2 },
];

const BEST = "Seperti diketahui, Kabupaten Bandung Barat sebagai salah satu daerah yang ingin belajar kepada Banyuwangi akan menerapkan beberapa aplikasi e-Government.";
const OTHER = "Terbaru di awal Oktober 2017, Kabupaten Bandung Barat mengirim para pejabatnya ke Banyuwangi.";
const HTMLISH = "Sistem <b>e-Gov</b> & </blockquote> tetap ditulis apa adanya.";

function result(rank: number, article: ArticleSummary, passageId: string, quote: string): AnswerResult {
  return { rank, score: 0.9 - rank / 10, articleId: article.id, passageId, title: article.title, source: article.source, date: article.date, url: article.url, passage: `${quote} Kalimat lain.`, quote, page: null, section: null, ocr: false, link: article.url };
}

/** A found answer: two quotes from two articles and four further results for "More sources". */
export function sampleAnswer(question: string): Answer {
  const [a, b, c] = ARTICLES as [ArticleSummary, ArticleSummary, ArticleSummary];
  const quotes: Quote[] = [
    { citation: 1, passageId: "banyuwangi#1", sentences: [{ text: OTHER, best: false }, { text: BEST, best: true }] },
    { citation: 2, passageId: "jogja#0", sentences: [{ text: HTMLISH, best: false }] },
  ];
  return {
    question,
    lang: detectLanguage(question),
    found: true,
    kind: "direct",
    quotes,
    citations: [
      { number: 1, articleId: a.id, title: a.title, source: a.source, date: a.date, url: a.url, page: null, section: null, ocr: false, link: a.url },
      { number: 2, articleId: b.id, title: b.title, source: b.source, date: b.date, url: b.url, page: null, section: null, ocr: false, link: b.url },
    ],
    results: [
      result(1, a, "banyuwangi#1", BEST),
      result(2, b, "jogja#0", HTMLISH),
      result(3, c, "surabaya#0", "Kementerian Luar Negeri menggandeng Pemkot Surabaya."),
      result(4, a, "banyuwangi#2", "Banyuwangi menjadi rujukan nasional."),
      result(5, b, "jogja#1", "Vietnam mengadopsi sistem Jogja."),
      result(6, c, "surabaya#1", "Surabaya berbagi pengalaman."),
    ],
  };
}

/** Relevant passages without a sentence that states the asked kind of answer: quoted, nothing in bold. */
export function relatedAnswer(question: string): Answer {
  const answer = sampleAnswer(question);
  return { ...answer, kind: "related", asked: "number", quotes: answer.quotes.map((quote) => ({ ...quote, sentences: quote.sentences.map((sentence) => ({ ...sentence, best: false })) })) };
}

export function notFoundAnswer(question: string): Answer {
  return { question, lang: detectLanguage(question), found: false, kind: "none", quotes: [], citations: [], results: [] };
}

function emptyReport(): RefreshReport {
  return { added: [], updated: [], removed: [], unchanged: 3, passagesEmbedded: 0, problems: [], seconds: 0.01 };
}

export interface FakeEngine extends BotEngine {
  questions: string[];
  added: Array<{ fileName: string; bytes: Buffer }>;
  removed: string[];
  /** Replace to change answers. */
  answer: (question: string) => Answer | Promise<Answer>;
}

/** A tiny engine: questions mentioning "nothing" are not found, "boom" throws, everything else gets sampleAnswer. */
export function fakeEngine(): FakeEngine {
  const engine: FakeEngine = {
    questions: [],
    added: [],
    removed: [],
    answer: (question) => {
      if (/boom/i.test(question)) throw new Error("engine exploded");
      return /nothing|emoji-only|^\W+$/iu.test(question) ? notFoundAnswer(question) : sampleAnswer(question);
    },
    async ask(question) {
      engine.questions.push(question);
      return engine.answer(question);
    },
    articles: () => ARTICLES,
    article(id) {
      const summary = ARTICLES.find((article) => article.id === id);
      return summary && { id: summary.id, file: summary.file, title: summary.title, source: summary.source, date: summary.date, url: summary.url, text: "", contentHash: "x" };
    },
    // The fake has no knowledge folder: no article is a file the bot could send.
    articlePath: async () => undefined,
    passageContext(passageId) {
      if (passageId.startsWith("gone")) return undefined;
      const articleId = passageId.split("#")[0]!;
      const summary = ARTICLES.find((article) => article.id === articleId) ?? ARTICLES[0]!;
      const article: Article = { id: summary.id, file: summary.file, title: summary.title, source: summary.source, date: summary.date, url: summary.url, text: "", contentHash: "x" };
      return { article, text: `Paragraf sebelumnya.\n\n${OTHER} ${BEST} Kalimat sesudahnya.` };
    },
    async refresh(callbacks = {}) {
      callbacks.onProgress?.(1, 2);
      callbacks.onProgress?.(2, 2);
      return emptyReport();
    },
    async addArticle(fileName, bytes) {
      if (bytes.length < 20) throw new ArticleError(`${fileName}: after removing headlines and boilerplate only 2 words of article text are left (at least 20 needed).`);
      engine.added.push({ fileName, bytes });
      const article: Article = { id: "baru", file: "baru.txt", title: "Artikel baru", source: null, date: null, url: null, text: bytes.toString(), contentHash: "y" };
      return { article, replaced: [], report: { ...emptyReport(), added: ["baru"], passagesEmbedded: 2 } };
    },
    async addUrl(url) {
      if (!/^https?:/.test(url)) throw new ArticleError(`${url.split(":")[0]}: links are not supported; use an http(s) link.`);
      engine.added.push({ fileName: url, bytes: Buffer.alloc(0) });
      const article: Article = { id: "tautan", file: "tautan.html", title: "Halaman dari tautan", source: null, date: null, url, text: "", contentHash: "z" };
      return { article, replaced: [], report: { ...emptyReport(), added: ["tautan"], passagesEmbedded: 1 } };
    },
    async removeArticle(idOrFile) {
      if (!ARTICLES.some((article) => article.id === idOrFile || article.file === idOrFile)) return undefined;
      engine.removed.push(idOrFile);
      return { files: [`${idOrFile.replace(/\.txt$/, "")}.txt`], report: { ...emptyReport(), removed: [idOrFile] } };
    },
  };
  return engine;
}

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

export interface Harness {
  app: TanyaBot;
  engine: FakeEngine;
  stats: StatsStore;
  gaps: FileGapStore;
  calls: ApiCall[];
  /** Calls of one method. */
  sent(method: string): Array<Record<string, unknown>>;
  /** Sends an update through the bot (as the runner would) and waits until it is handled. */
  handle(update: Omit<Update, "update_id">): Promise<void>;
  reset(): void;
  /** Makes the next call of `method` fail with this Telegram error. */
  failNext(method: string, error: { error_code: number; description: string; parameters?: { retry_after?: number } }): void;
}

let nextUpdateId = 1;
let nextMessageId = 1000;

/**
 * Builds the bot exactly as production does (createBot) with a fake engine, in-memory stats, and grammY's
 * API transformer standing in for Telegram: every call is recorded and answered with a plausible result.
 */
export function harness(options: { deps?: Partial<BotDeps>; options?: Partial<BotOptions>; engine?: FakeEngine; allowedChatIds?: number[] } = {}): Harness {
  const engine = options.engine ?? fakeEngine();
  const stats = StatsStore.inMemory();
  const gaps = FileGapStore.inMemory();
  const app = createBot({
    engine,
    stats,
    gaps,
    logger: createLogger("silent"),
    botInfo: BOT_INFO,
    settings: {
      telegram: {
        token: TOKEN,
        apiRoot: undefined,
        adminUserIds: new Set([ADMIN.id]),
        allowedChatIds: options.allowedChatIds ? new Set(options.allowedChatIds) : undefined,
        webhookUrl: undefined,
        webhookSecret: undefined,
        webhookPort: 8080,
        maxUploadBytes: 1024 * 1024,
      },
    },
    download: async () => Buffer.from("Artikel baru tentang layanan e-government yang cukup panjang untuk diindeks dengan baik oleh mesin."),
    options: { typingIntervalMs: 60_000, progressEditIntervalMs: 0, ...options.options },
    ...options.deps,
  });
  const calls: ApiCall[] = [];
  const failures = new Map<string, Array<{ error_code: number; description: string; parameters?: { retry_after?: number } }>>();
  app.bot.api.config.use(async (_prev, method, payload) => {
    const body = { ...(payload as Record<string, unknown>) };
    calls.push({ method, payload: body });
    const failure = failures.get(method)?.shift();
    if (failure) return { ok: false, ...failure } as never;
    let result: unknown = true;
    if (method === "sendMessage") {
      const chatId = body.chat_id as number;
      const chat = (chatId > 0 ? { id: chatId, type: "private", first_name: "X" } : { id: chatId, type: "supergroup", title: "G" }) as Chat;
      result = { message_id: nextMessageId++, date: 0, chat, from: BOT_INFO, text: body.text as string, ...(body.entities ? { entities: body.entities as MessageEntity[] } : {}) } satisfies Partial<Message>;
    } else if (method === "getFile") {
      result = { file_id: body.file_id, file_unique_id: "u", file_size: 100, file_path: "documents/file_1.txt" };
    }
    return { ok: true, result } as never;
  });
  return {
    app,
    engine,
    stats,
    gaps,
    calls,
    sent: (method) => calls.filter((call) => call.method === method).map((call) => call.payload),
    handle: (update) => app.bot.handleUpdate({ update_id: nextUpdateId++, ...update } as Update),
    reset: () => {
      calls.length = 0;
    },
    failNext: (method, error) => {
      const list = failures.get(method) ?? [];
      list.push(error);
      failures.set(method, list);
    },
  };
}

// ----------------------------------------------------------------------------------- update builders

export function privateChatOf(user: User): Chat.PrivateChat {
  return { id: user.id, type: "private", first_name: user.first_name };
}

export const GROUP: Chat.SupergroupChat = { id: -100123, type: "supergroup", title: "Diskusi e-Gov" };
export const FORUM: Chat.SupergroupChat = { id: -100456, type: "supergroup", title: "Forum e-Gov", is_forum: true };

/** Entities like a Telegram client would send: commands and @mentions. */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(/(^\/[a-z_]+(@\w+)?)|(@\w{5,})/gi)) {
    entities.push({ type: match[1] ? "bot_command" : "mention", offset: match.index, length: match[0].length });
  }
  return entities;
}

export function textMessage(text: string, options: { from?: User; chat?: Chat; replyTo?: Message; threadId?: number; messageId?: number } = {}): Omit<Update, "update_id"> {
  const from = options.from ?? SARI;
  const entities = entitiesOf(text);
  const message = {
    message_id: options.messageId ?? nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: options.chat ?? privateChatOf(from),
    from,
    text,
    ...(entities.length > 0 ? { entities } : {}),
    ...(options.replyTo ? { reply_to_message: options.replyTo } : {}),
    ...(options.threadId !== undefined ? { message_thread_id: options.threadId, is_topic_message: true } : {}),
  };
  return { message } as Omit<Update, "update_id">;
}

export function mediaMessage(content: Partial<Message>, options: { from?: User; chat?: Chat } = {}): Omit<Update, "update_id"> {
  const from = options.from ?? SARI;
  return { message: { message_id: nextMessageId++, date: 0, chat: options.chat ?? privateChatOf(from), from, ...content } } as Omit<Update, "update_id">;
}

export function botMessage(chat: Chat, text = "an earlier answer"): Message {
  return { message_id: nextMessageId++, date: 0, chat, from: BOT_INFO, text } as Message;
}

export function callback(data: string, options: { from?: User; message?: Message } = {}): Omit<Update, "update_id"> {
  const from = options.from ?? SARI;
  return {
    callback_query: { id: String(nextMessageId++), from, chat_instance: "1", data, message: options.message ?? botMessage(privateChatOf(from)) },
  } as Omit<Update, "update_id">;
}

export function inline(query: string, from: User = SARI): Omit<Update, "update_id"> {
  return { inline_query: { id: String(nextMessageId++), from, query, offset: "" } } as Omit<Update, "update_id">;
}

/** The callback_data of every button of a reply_markup payload. */
export function buttonsOf(payload: Record<string, unknown> | undefined): string[] {
  const markup = payload?.reply_markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined;
  return (markup?.inline_keyboard ?? []).flat().flatMap((button) => (button.callback_data ? [button.callback_data] : []));
}

export function entityTypes(payload: Record<string, unknown> | undefined): string[] {
  return ((payload?.entities as MessageEntity[] | undefined) ?? []).map((entity) => entity.type);
}

/** The text covered by entities of one type. */
export function entityTexts(payload: Record<string, unknown>, type: string): string[] {
  const text = payload.text as string;
  return ((payload.entities as MessageEntity[] | undefined) ?? []).filter((entity) => entity.type === type).map((entity) => text.slice(entity.offset, entity.offset + entity.length));
}
