import type { Message, MessageEntity, UserFromGetMe } from "@grammyjs/types";
import { findEntities } from "./entities.js";
import type { ChatRecord } from "./state.js";

export interface PrivacyInput {
  message: Message;
  chat: ChatRecord;
  bot: UserFromGetMe;
  /** Privacy mode as configured in BotFather (default on). */
  privacyMode: boolean;
}

/**
 * Whether Telegram would deliver a group message to the bot. With privacy
 * mode on, a bot only sees commands (not those addressed to another bot),
 * messages mentioning it, replies to its own messages and service messages;
 * admin bots and bots with privacy off see everything. Messages from other
 * bots are never delivered in groups, whatever the mode.
 */
export function isDeliveredToBot({ message, chat, bot, privacyMode }: PrivacyInput): { delivered: boolean; reason: string } {
  const type = chat.chat.type;
  if (type === "private" || type === "channel") return { delivered: true, reason: `${type} chat` };
  if (message.from?.is_bot === true && message.from.id !== bot.id) {
    return { delivered: false, reason: "bots never see messages from other bots in groups" };
  }
  if (!privacyMode) return { delivered: true, reason: "privacy mode is off" };
  if (chat.botIsAdmin) return { delivered: true, reason: "the bot is an administrator" };

  const text = message.text ?? message.caption;
  if (text === undefined) {
    if (message.reply_to_message?.from?.id === bot.id) return { delivered: true, reason: "reply to the bot" };
    const isService = Object.keys(message).some((k) => SERVICE_FIELDS.has(k));
    return isService
      ? { delivered: true, reason: "service message" }
      : { delivered: false, reason: "privacy mode: no command, mention or reply to the bot" };
  }
  const entities: MessageEntity[] = message.entities ?? message.caption_entities ?? findEntities(text);
  const username = bot.username.toLowerCase();

  for (const e of entities) {
    const fragment = text.slice(e.offset, e.offset + e.length);
    if (e.type === "bot_command") {
      const addressee = fragment.split("@")[1]?.toLowerCase();
      if (addressee === username) return { delivered: true, reason: "command addressed to the bot" };
      if (addressee === undefined && e.offset === 0) return { delivered: true, reason: "command" };
    }
    if (e.type === "mention" && fragment.slice(1).toLowerCase() === username) {
      return { delivered: true, reason: "mentions the bot" };
    }
    if (e.type === "text_mention" && e.user.id === bot.id) return { delivered: true, reason: "mentions the bot" };
  }
  if (message.reply_to_message?.from?.id === bot.id) return { delivered: true, reason: "reply to the bot" };
  if (message.via_bot?.id === bot.id) return { delivered: true, reason: "sent via the bot" };
  return { delivered: false, reason: "privacy mode: no command, mention or reply to the bot" };
}

const SERVICE_FIELDS = new Set([
  "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
  "group_chat_created", "supergroup_chat_created", "migrate_to_chat_id", "migrate_from_chat_id", "pinned_message",
  "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
  "video_chat_started", "video_chat_ended", "message_auto_delete_timer_changed", "write_access_allowed",
]);
