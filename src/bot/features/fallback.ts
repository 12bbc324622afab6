import { Composer } from "grammy";
import { plain } from "../format.js";
import { botWords, languageOfUser } from "../i18n.js";
import { sendMessages } from "../send.js";
import type { BotContext } from "../types.js";

/**
 * Last in the chain for messages: in a private chat, anything that is not text (sticker, photo, voice, video,
 * location, ...) gets a short "send text" reply; service messages and everything in groups are ignored.
 */
export function fallbackFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").on("message", async (ctx) => {
    const message = ctx.msg;
    const isContent = ["sticker", "photo", "voice", "video", "video_note", "audio", "animation", "document", "location", "venue", "contact", "poll", "dice", "story"].some((field) => field in message);
    if (!isContent) return;
    await sendMessages(ctx, [plain(botWords(languageOfUser(ctx.from.language_code)).sendText)]);
  });
  return composer;
}
