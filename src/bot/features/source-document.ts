import { Composer } from "grammy";
import type { Answering } from "../answering.js";
import { botWords, languageOfUser } from "../i18n.js";
import { describeError } from "../send.js";
import { isSourceDocument, type SourceDocuments } from "../source-documents.js";
import type { BotContext, BotDeps } from "../types.js";

/**
 * The "📎 Document [n]" button under an answer: sends the cited document itself (a PDF or Word file) to the chat
 * of the answer, threaded to it. Works in private chats and groups alike; inline answers have no such button.
 */
export function sourceDocumentFeature(deps: BotDeps, answering: Answering, documents: SourceDocuments): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.callbackQuery(/^d:([\w-]{1,16}):(\d{1,3})$/, async (ctx) => {
    const state = await answering.buttons.get(ctx.match[1]!);
    if (!state) {
      await ctx.answerCallbackQuery({ text: botWords(languageOfUser(ctx.from.language_code)).expired, show_alert: true });
      return;
    }
    const w = botWords(state.answer.lang);
    const citation = state.answer.citations.find((candidate) => candidate.number === Number(ctx.match[2]));
    const message = ctx.callbackQuery.message;
    if (!citation || !message) {
      await ctx.answerCallbackQuery({ text: w.invalidButton });
      return;
    }
    const article = deps.engine.article(citation.articleId);
    if (!article || !isSourceDocument(article)) {
      await ctx.answerCallbackQuery({ text: w.documentMissing, show_alert: true });
      return;
    }
    const thread = message.is_topic_message && message.message_thread_id !== undefined ? { message_thread_id: message.message_thread_id } : {};
    // Answered before sending: an upload from the folder may take longer than a callback query lives.
    await ctx.answerCallbackQuery({ text: w.documentSending });
    const outcome = await documents.send(ctx.api, article, {
      chatId: message.chat.id,
      replyTo: message.message_id,
      ...(thread.message_thread_id !== undefined ? { threadId: thread.message_thread_id } : {}),
      caption: `[${citation.number}] ${article.title}`,
    });
    ctx.log.info({ file: article.file, outcome }, "source document requested");
    if (outcome === "sent") return;
    await ctx.api
      .sendMessage(message.chat.id, outcome === "missing" ? w.documentMissing : w.documentTooBig, { ...thread, reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } })
      .catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, "could not say the document is unavailable"));
  });

  return composer;
}
