import { Composer, type MiddlewareFn } from "grammy";
import type { Message } from "grammy/types";
import type { Answering } from "../answering.js";
import { plain } from "../format.js";
import { botWords, languageOfUser } from "../i18n.js";
import { sendMessages } from "../send.js";
import type { BotContext } from "../types.js";

/** The message text without the mentions of this bot, or undefined when the bot is not mentioned. */
export function withoutMentions(message: Pick<Message, "text" | "entities">, bot: { id: number; username: string }): string | undefined {
  const text = message.text ?? "";
  const mine = (message.entities ?? []).filter((entity) => {
    if (entity.type === "mention") return text.slice(entity.offset + 1, entity.offset + entity.length).toLowerCase() === bot.username.toLowerCase();
    return entity.type === "text_mention" && entity.user.id === bot.id;
  });
  if (mine.length === 0) return undefined;
  let rest = "";
  let position = 0;
  for (const entity of [...mine].sort((a, b) => a.offset - b.offset)) {
    rest += `${text.slice(position, entity.offset)} `;
    position = entity.offset + entity.length;
  }
  rest += text.slice(position);
  // "@Bot, what is SPBE?" → "what is SPBE?"
  return rest.replace(/\s+/g, " ").replace(/^[\s,:;.!-]+/, "").trim();
}

/**
 * Groups (privacy mode on): the bot answers only when addressed — /ask (see askFeature), an @mention, or a
 * reply to one of its messages — and ignores all other chatter, media included. Answers are threaded to the
 * asking message and stay in its forum topic.
 */
export function groupFeature(answering: Answering, limiter: MiddlewareFn<BotContext>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const groups = composer.chatType(["group", "supergroup"]);

  groups.on("message:text", async (ctx) => {
    const message = ctx.msg;
    if (message.entities?.some((entity) => entity.type === "bot_command" && entity.offset === 0)) return;
    const mentioned = withoutMentions(message, ctx.me);
    const replyToBot = message.reply_to_message?.from?.id === ctx.me.id;
    if (mentioned === undefined && !replyToBot) return;
    const question = mentioned ?? message.text;
    if (question.trim() === "") {
      await sendMessages(ctx, [plain(botWords(languageOfUser(ctx.from.language_code)).mentionUsage)], { replyTo: message.message_id });
      return;
    }
    await limiter(ctx, () => answering.answer(ctx, question, message.message_id));
  });

  return composer;
}
