import type { MessageEntity } from "grammy/types";
import type { BotMessage } from "../fake-bot-api/index.js";

/** The callback_data of every button under a message the bot sent to the fake Bot API. */
export function callbackDataOf(message: BotMessage): string[] {
  return (message.message.reply_markup?.inline_keyboard ?? []).flat().flatMap((button) => ("callback_data" in button && button.callback_data ? [button.callback_data] : []));
}

/** The text covered by a message's entities of one type (blockquote, bold, text_link, …). */
export function entityTextsOf(message: { text: string; entities: MessageEntity[] }, type: string): string[] {
  return message.entities.filter((entity) => entity.type === type).map((entity) => message.text.slice(entity.offset, entity.offset + entity.length));
}
