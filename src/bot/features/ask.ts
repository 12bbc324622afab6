import { Composer, type MiddlewareFn } from "grammy";
import type { Answering } from "../answering.js";
import { plain } from "../format.js";
import { botWords, languageOfUser } from "../i18n.js";
import { sendMessages } from "../send.js";
import type { BotContext } from "../types.js";
import { helpText } from "./start.js";

/**
 * Questions in private chats: any text is a question. `/ask <question>` works in every chat (in groups it is
 * the explicit way to address the bot; `/ask@BotName` is matched by grammY's command filter, commands for
 * other bots are not). Unknown commands get the help text instead of being searched for.
 */
export function askFeature(answering: Answering, limiter: MiddlewareFn<BotContext>): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("ask", async (ctx) => {
    const isPrivate = ctx.chat.type === "private";
    // "/ask" as a reply to someone's message asks that message's text.
    const question = ctx.match.trim() || (isPrivate ? "" : (ctx.msg.reply_to_message?.text ?? "").trim());
    const replyTo = isPrivate ? {} : { replyTo: ctx.msg.message_id };
    if (question === "") {
      await sendMessages(ctx, [plain(botWords(languageOfUser(ctx.from?.language_code)).askUsage)], replyTo);
      return;
    }
    await limiter(ctx, () => answering.answer(ctx, question, replyTo.replyTo));
  });

  const privateText = composer.chatType("private").on("message:text");
  privateText.on("::bot_command", async (ctx, next) => {
    if (ctx.msg.entities?.some((entity) => entity.type === "bot_command" && entity.offset === 0)) {
      await sendMessages(ctx, [helpText(languageOfUser(ctx.from?.language_code), ctx.me.username, false)]);
      return;
    }
    await next();
  });
  privateText.use((ctx) => limiter(ctx, () => answering.answer(ctx, ctx.msg.text)));

  return composer;
}
