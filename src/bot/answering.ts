import { InlineKeyboard } from "grammy";
import type { Answer } from "../answer/answer.js";
import { words } from "../answer/i18n.js";
import type { Language } from "../retrieval/language.js";
import { plain, renderAnswer } from "./format.js";
import { botWords, languageOfUser } from "./i18n.js";
import { questionOutcome } from "./metrics.js";
import { sendMessages, startTyping } from "./send.js";
import { citedDocuments } from "./source-documents.js";
import type { AnswerState, ButtonStore } from "./state/button-store.js";
import type { Vote } from "./stats.js";
import type { BotContext, BotDeps, BotOptions } from "./types.js";

export type { AnswerState } from "./state/button-store.js";

/** callback_data layouts (Telegram allows 64 bytes; keys are 8 characters). */
export const CALLBACK = {
  more: (key: string) => `m:${key}`,
  passage: (key: string, resultIndex: number) => `p:${key}:${resultIndex}`,
  vote: (key: string, vote: Vote) => `f:${key}:${vote === "up" ? "u" : "d"}`,
  document: (key: string, citation: number) => `d:${key}:${citation}`,
} as const;

/** Source-document buttons under one answer (one row; answers cite a few articles). */
const MAX_DOCUMENT_BUTTONS = 3;

/** Characters that show nothing: zero-width spaces and joiners, direction marks and isolates, BOM, soft hyphen. */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** A question with nothing visible in it (whitespace or invisible characters only) is no question. */
export function isBlankQuestion(text: string): boolean {
  return text.replace(INVISIBLE, "").trim() === "";
}

/** Cuts a question to `max` UTF-16 units without splitting an emoji. */
export function cutQuestion(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut);
}

/** The result index of the passage that holds the best sentence (for "Full passage"). */
function bestResultIndex(answer: Answer): number {
  const best = answer.quotes.find((quote) => quote.sentences.some((sentence) => sentence.best)) ?? answer.quotes[0];
  return best ? answer.results.findIndex((result) => result.passageId === best.passageId) : -1;
}

/** Sentences quoted from a result's passage: the answer's own quote when it has one, else the result's quote. */
export function quotedFragments(answer: Answer, resultIndex: number): string[] {
  const result = answer.results[resultIndex];
  if (!result) return [];
  const quote = answer.quotes.find((candidate) => candidate.passageId === result.passageId);
  return quote ? quote.sentences.map((sentence) => sentence.text) : [result.quote];
}

/** Answers questions in chats (private and groups) and keeps the state the answer's buttons refer to. */
export class Answering {
  constructor(
    private readonly deps: BotDeps,
    private readonly options: BotOptions,
    /** Where the state behind each answer's buttons is kept. */
    readonly buttons: ButtonStore,
  ) {}

  keyboardFor(key: string, state: AnswerState, lang: Language): InlineKeyboard {
    const w = botWords(lang);
    const keyboard = new InlineKeyboard();
    if (state.remaining.length > 0) keyboard.text(w.more, CALLBACK.more(key));
    const best = bestResultIndex(state.answer);
    if (best >= 0) keyboard.text(w.fullPassage, CALLBACK.passage(key, best));
    const documents = citedDocuments(state.answer, this.deps.engine).slice(0, MAX_DOCUMENT_BUTTONS);
    if (documents.length > 0) keyboard.row();
    for (const number of documents) keyboard.text(w.sourceDocument(number), CALLBACK.document(key, number));
    return keyboard.row().text("👍", CALLBACK.vote(key, "up")).text("👎", CALLBACK.vote(key, "down"));
  }

  /**
   * Answers `question` in the update's chat: typing indicator, engine, statistics, the answer split into
   * messages, buttons under the last one. `replyTo` threads the answer to the asking message.
   */
  async answer(ctx: BotContext, question: string, replyTo?: number): Promise<void> {
    const trimmed = question.trim();
    if (isBlankQuestion(trimmed)) {
      await sendMessages(ctx, [plain(words(languageOfUser(ctx.from?.language_code)).emptyQuestion)], replyTo === undefined ? {} : { replyTo });
      return;
    }
    const text = cutQuestion(trimmed, this.options.maxQuestionChars);
    const stopTyping = startTyping(ctx, this.options.typingIntervalMs);
    const started = performance.now();
    let answer: Answer;
    try {
      answer = await this.deps.engine.ask(text);
    } finally {
      stopTyping();
    }
    ctx.log.info({ found: answer.found, kind: answer.kind, lang: answer.lang, quotes: answer.quotes.length, results: answer.results.length, chars: text.length, ms: Math.round(performance.now() - started) }, "question answered");
    this.deps.stats.recordQuestion(text, answer.kind);
    if (answer.kind !== "direct") this.deps.gaps.record(text, answer.kind, answer.lang);
    const outcome = questionOutcome(answer);
    const notice = text.length < trimmed.length ? botWords(answer.lang).tooLong(this.options.maxQuestionChars) : undefined;
    const rendered = renderAnswer(answer, this.deps.engine.articles(), notice ? { notice } : {});
    let keyboard: InlineKeyboard | undefined;
    if (answer.found) {
      const state: AnswerState = {
        answer,
        remaining: rendered.moreResults,
        numbers: new Map(answer.citations.map((citation) => [citation.articleId, citation.number])),
        votes: new Map(),
      };
      // State that cannot be saved (shared store unreachable) means an answer without buttons, not no answer.
      const key = await this.buttons.add(state);
      if (key !== undefined) keyboard = this.keyboardFor(key, state, answer.lang);
    }
    await sendMessages(ctx, rendered.messages, { ...(replyTo === undefined ? {} : { replyTo }), ...(keyboard ? { keyboard } : {}) });
    this.deps.metrics?.questionAnswered(outcome, (performance.now() - started) / 1000);
  }
}
