import type { Document, LinkPreviewOptions, Message } from "@grammyjs/types";
import type { FormattedMessage } from "../formatting.js";
import { inlineKeyboardOf, type AnyReplyMarkup } from "../markup.js";
import { replySnapshot, type BotMessage, type ChatRecord } from "../state.js";
import { compact } from "../text.js";
import { nowSeconds, type MethodContext, type ReplyTarget } from "./context.js";

export interface OutgoingContent {
  formatted: FormattedMessage;
  markup: AnyReplyMarkup | undefined;
  reply: ReplyTarget | undefined;
  threadId: number | undefined;
  linkPreview?: LinkPreviewOptions;
  document?: Document;
}

/** Builds the `Message` Telegram returns for a bot message and records it in the chat's history. */
export function storeBotMessage(ctx: MethodContext, chat: ChatRecord, content: OutgoingContent): BotMessage {
  const { state } = ctx;
  const messageId = state.nextMessageId(chat);
  const isChannel = chat.chat.type === "channel";
  const isForum = chat.chat.type === "supergroup" && chat.chat.is_forum === true;
  const { formatted, document } = content;
  const hasEntities = formatted.entities.length > 0;

  const message: Message = compact({
    message_id: messageId,
    // Channel posts have no `from`; they are signed by the channel itself.
    from: isChannel ? undefined : state.botAsUser,
    sender_chat: isChannel ? chat.chat : undefined,
    chat: chat.chat,
    date: nowSeconds(),
    message_thread_id: content.threadId,
    is_topic_message: content.threadId !== undefined && isForum ? (true as const) : undefined,
    reply_to_message: content.reply === undefined ? undefined : replySnapshot(content.reply.stored.message),
    quote: content.reply?.quote,
    has_protected_content: ctx.params.bool("protect_content") === true ? (true as const) : undefined,
    ...(document === undefined
      ? {
          text: formatted.text,
          entities: hasEntities ? formatted.entities : undefined,
          link_preview_options: content.linkPreview,
        }
      : {
          document,
          caption: formatted.text === "" ? undefined : formatted.text,
          caption_entities: hasEntities ? formatted.entities : undefined,
        }),
    // Only inline keyboards are part of a Message; reply keyboards live on the client.
    reply_markup: inlineKeyboardOf(content.markup),
  });

  const record: BotMessage = compact({
    chatId: chat.chat.id,
    messageId,
    method: ctx.method,
    text: formatted.text,
    html: formatted.html,
    entities: formatted.entities,
    replyMarkup: content.markup,
    replyToMessageId: content.reply?.stored.message.message_id,
    threadId: content.threadId,
    linkPreviewOptions: content.linkPreview,
    document,
    sentAt: Date.now(),
    deleted: false,
    versions: [
      compact({
        at: Date.now(),
        method: ctx.method,
        text: formatted.text,
        entities: formatted.entities,
        html: formatted.html,
        replyMarkup: content.markup,
      }),
    ],
    message,
    params: { ...ctx.params.raw },
  });
  state.storeMessage(chat, message, true, record);
  return record;
}
