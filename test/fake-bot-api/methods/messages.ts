import type { Message, ReactionType } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import type { FormattedMessage } from "../formatting.js";
import { inlineKeyboardOf, type AnyReplyMarkup } from "../markup.js";
import type { BotMessage, BotMessageVersion, ChatRecord, InlineMessage, StoredMessage } from "../state.js";
import { canonicalJson, compact } from "../text.js";
import {
  formatFromParams,
  linkPreviewFromParams,
  markupFromParams,
  nowSeconds,
  replyTarget,
  requireMessageId,
  targetChat,
  threadIdFor,
  type MethodContext,
  type MethodHandler,
} from "./context.js";
import { storeBotMessage } from "./outgoing.js";

const TEXT_FIELDS = { text: "text", parseMode: "parse_mode", entities: "entities", kind: "text" } as const;
const CAPTION_FIELDS = { text: "caption", parseMode: "parse_mode", entities: "caption_entities", kind: "caption" } as const;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
  "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

const sendMessage: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  // Validation order follows Telegram: text first, then markup, then the reply target.
  const formatted = formatFromParams(ctx, TEXT_FIELDS);
  const markup = markupFromParams(ctx);
  const reply = replyTarget(ctx, chat);
  const linkPreview = linkPreviewFromParams(ctx);
  return storeBotMessage(ctx, chat, {
    formatted,
    markup,
    reply,
    threadId: threadIdFor(ctx, reply),
    ...(linkPreview === undefined ? {} : { linkPreview }),
  }).message;
};

type EditTarget =
  | { kind: "chat"; chat: ChatRecord; stored: StoredMessage; record: BotMessage }
  | { kind: "inline"; inline: InlineMessage };

function editTarget(ctx: MethodContext): EditTarget {
  const inlineId = ctx.params.string("inline_message_id");
  if (inlineId !== undefined && inlineId !== "") {
    const inline = ctx.state.inlineMessages.get(inlineId);
    if (inline === undefined) throw badRequest("MESSAGE_ID_INVALID");
    return { kind: "inline", inline };
  }
  const chat = targetChat(ctx);
  const messageId = requireMessageId(ctx);
  const stored = ctx.state.findMessage(chat.chat.id, messageId);
  if (stored === undefined) throw badRequest("message to edit not found");
  if (!stored.fromBot || stored.bot === undefined) throw badRequest("message can't be edited");
  return { kind: "chat", chat, stored, record: stored.bot };
}

function inlineMarkupForEdit(ctx: MethodContext): AnyReplyMarkup | undefined {
  const markup = markupFromParams(ctx);
  if (markup !== undefined && inlineKeyboardOf(markup) === undefined) {
    throw badRequest("inline keyboard expected");
  }
  return markup;
}

interface Change {
  formatted?: FormattedMessage;
  markup: AnyReplyMarkup | undefined;
}

/**
 * Applies an edit, enforcing Telegram's "not modified" rule: the resulting
 * text, entities and inline keyboard are compared, not the request, so
 * `<b>` → `<strong>` is still "not modified".
 */
function applyEdit(ctx: MethodContext, target: EditTarget, change: Change): Message | true {
  const current = target.kind === "chat" ? target.record : target.inline;
  const next = {
    text: change.formatted?.text ?? current.text,
    entities: change.formatted?.entities ?? current.entities,
    html: change.formatted === undefined ? current.html : change.formatted.html,
    markup: inlineKeyboardOf(change.markup),
  };
  const unchanged =
    next.text === current.text &&
    canonicalJson(next.entities) === canonicalJson(current.entities) &&
    canonicalJson(next.markup ?? null) === canonicalJson(inlineKeyboardOf(current.replyMarkup) ?? null);
  if (unchanged) throw badRequest(NOT_MODIFIED);

  const version: BotMessageVersion = compact({
    at: Date.now(),
    method: ctx.method,
    text: next.text,
    entities: next.entities,
    html: next.html,
    replyMarkup: next.markup,
  });

  if (target.kind === "inline") {
    const inline = target.inline;
    inline.text = next.text;
    inline.entities = next.entities;
    if (next.html === undefined) delete inline.html;
    else inline.html = next.html;
    if (next.markup === undefined) delete inline.replyMarkup;
    else inline.replyMarkup = next.markup;
    inline.versions.push(version);
    ctx.state.changed();
    // Edits of inline messages return True, not the Message.
    return true;
  }

  const { record, stored } = target;
  const isCaption = record.document !== undefined;
  const { text: _t, entities: _e, caption: _c, caption_entities: _ce, reply_markup: _rm, ...rest } = stored.message;
  const hasEntities = next.entities.length > 0;
  const message: Message = compact({
    ...rest,
    ...(isCaption
      ? { caption: next.text === "" ? undefined : next.text, caption_entities: hasEntities ? next.entities : undefined }
      : { text: next.text, entities: hasEntities ? next.entities : undefined }),
    edit_date: nowSeconds(),
    reply_markup: next.markup,
  });
  stored.message = message;
  record.message = message;
  record.text = next.text;
  record.entities = next.entities;
  if (next.html === undefined) delete record.html;
  else record.html = next.html;
  if (change.markup === undefined) delete record.replyMarkup;
  else record.replyMarkup = change.markup;
  record.editedAt = Date.now();
  record.versions.push(version);
  ctx.state.changed();
  return message;
}

const editMessageText: MethodHandler = (ctx) => {
  const target = editTarget(ctx);
  if (target.kind === "chat" && target.record.document !== undefined) {
    throw badRequest("there is no text in the message to edit");
  }
  const formatted = formatFromParams(ctx, TEXT_FIELDS);
  return applyEdit(ctx, target, { formatted, markup: inlineMarkupForEdit(ctx) });
};

const editMessageCaption: MethodHandler = (ctx) => {
  const target = editTarget(ctx);
  if (target.kind === "inline" || target.record.document === undefined) {
    throw badRequest("there is no caption in the message to edit");
  }
  const formatted = formatFromParams(ctx, CAPTION_FIELDS);
  return applyEdit(ctx, target, { formatted, markup: inlineMarkupForEdit(ctx) });
};

const editMessageReplyMarkup: MethodHandler = (ctx) => {
  const target = editTarget(ctx);
  return applyEdit(ctx, target, { markup: inlineMarkupForEdit(ctx) });
};

function deleteOne(ctx: MethodContext, chat: ChatRecord, messageId: number): boolean {
  const stored = ctx.state.findMessage(chat.chat.id, messageId);
  if (stored === undefined) return false;
  const isGroup = chat.chat.type === "group" || chat.chat.type === "supergroup";
  if (!stored.fromBot && isGroup && !chat.botIsAdmin) throw badRequest("message can't be deleted");
  stored.deleted = true;
  if (stored.bot !== undefined) stored.bot.deleted = true;
  ctx.state.changed();
  return true;
}

const deleteMessage: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const messageId = requireMessageId(ctx);
  if (!deleteOne(ctx, chat, messageId)) throw badRequest("message to delete not found");
  return true;
};

const deleteMessages: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const ids = ctx.params.json("message_ids", "can't parse message identifiers JSON object");
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((id) => Number.isInteger(id))) {
    throw badRequest("message identifiers are invalid");
  }
  // Missing messages are skipped silently here, unlike deleteMessage.
  for (const id of ids as number[]) deleteOne(ctx, chat, id);
  return true;
};

const sendChatAction: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const action = ctx.params.string("action");
  if (action === undefined || action === "") throw badRequest("action is empty");
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  const threadId = ctx.params.int("message_thread_id");
  ctx.state.chatActions.push(
    compact({ chatId: chat.chat.id, action, threadId: threadId === 0 ? undefined : threadId, at: Date.now() }),
  );
  ctx.state.changed();
  return true;
};

const sendMessageDraft: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  if (chat.chat.type !== "private") throw badRequest("message drafts can be sent only to private chats");
  const draftId = ctx.params.int("draft_id");
  if (draftId === undefined || draftId === 0) throw badRequest("draft_id must be non-zero");
  const formatted = formatFromParams(ctx, { ...TEXT_FIELDS, kind: "draft" });
  const threadId = ctx.params.int("message_thread_id");
  ctx.state.drafts.push(
    compact({
      chatId: chat.chat.id,
      draftId,
      text: formatted.text,
      html: formatted.html,
      entities: formatted.entities,
      threadId: threadId === 0 ? undefined : threadId,
      at: Date.now(),
    }),
  );
  ctx.state.changed();
  return true;
};

const setMessageReaction: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const messageId = requireMessageId(ctx);
  if (ctx.state.findMessage(chat.chat.id, messageId) === undefined) throw badRequest("message to react not found");
  const reaction = ctx.params.json("reaction", "can't parse reaction types JSON object") ?? [];
  if (!Array.isArray(reaction)) throw badRequest("can't parse reaction types JSON object");
  ctx.state.reactions.push({
    chatId: chat.chat.id,
    messageId,
    reaction: reaction as ReactionType[],
    isBig: ctx.params.bool("is_big") ?? false,
    at: Date.now(),
  });
  ctx.state.changed();
  return true;
};

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  deleteMessages,
  sendChatAction,
  sendMessageDraft,
  setMessageReaction,
};
