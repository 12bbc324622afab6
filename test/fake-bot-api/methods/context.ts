import type { LinkPreviewOptions, Message, ReplyParameters } from "@grammyjs/types";
import { badRequest, forbidden } from "../errors.js";
import { formatText, type FormattedMessage, type FormattingOptions, type TextKind } from "../formatting.js";
import { parseReplyMarkup, type AnyReplyMarkup } from "../markup.js";
import type { Params } from "../params.js";
import type { ChatRecord, FakeState, StoredMessage } from "../state.js";
import type { UpdateQueue } from "../updates.js";

/** Behaviour switches that method handlers need; see FakeBotApiOptions. */
export interface HandlerOptions {
  formatting: FormattingOptions;
  /** How long callback and inline queries can still be answered. */
  queryTtlMs: number;
}

export interface MethodContext {
  method: string;
  params: Params;
  /** Aborted when the client disconnects; long polls stop waiting on it. */
  signal: AbortSignal;
  state: FakeState;
  updates: UpdateQueue;
  options: HandlerOptions;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

/** A successful result that also carries Telegram's optional `description` (deleteWebhook does this). */
export class OkWithDescription {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The chat a send/edit targets, refusing where Telegram refuses (unknown chat, bot blocked or kicked). */
export function targetChat(ctx: MethodContext, param = "chat_id"): ChatRecord {
  const chat = ctx.state.findChat(ctx.params.chatId(param));
  if (chat === undefined) throw badRequest("chat not found");
  if (chat.blocked) {
    switch (chat.chat.type) {
      case "private":
        throw forbidden("bot was blocked by the user");
      case "group":
        throw forbidden("bot was kicked from the group chat");
      case "supergroup":
        throw forbidden("bot was kicked from the supergroup chat");
      case "channel":
        throw forbidden("bot is not a member of the channel chat");
    }
  }
  return chat;
}

export function formatFromParams(
  ctx: MethodContext,
  fields: { text: string; parseMode: string; entities: string; kind: TextKind },
): FormattedMessage {
  return formatText(
    {
      text: ctx.params.string(fields.text),
      parseMode: ctx.params.string(fields.parseMode),
      entities: ctx.params.json(fields.entities, "can't parse entities JSON object"),
      kind: fields.kind,
    },
    ctx.options.formatting,
  );
}

export function markupFromParams(ctx: MethodContext): AnyReplyMarkup | undefined {
  return parseReplyMarkup(ctx.params.raw.reply_markup);
}

export interface ReplyTarget {
  stored: StoredMessage;
  quote?: Message["quote"];
}

/**
 * reply_parameters, or the legacy reply_to_message_id +
 * allow_sending_without_reply. Replying to a missing message fails unless the
 * bot explicitly allowed sending without the reply.
 */
export function replyTarget(ctx: MethodContext, chat: ChatRecord): ReplyTarget | undefined {
  const parameters = ctx.params.json("reply_parameters", "can't parse reply parameters JSON object") as
    | Partial<ReplyParameters>
    | undefined;
  const messageId = parameters?.message_id ?? ctx.params.int("reply_to_message_id");
  if (messageId === undefined || messageId === 0) return undefined;
  const allowWithout = parameters?.allow_sending_without_reply ?? ctx.params.bool("allow_sending_without_reply") ?? false;

  let source = chat;
  if (parameters?.chat_id !== undefined) {
    const other = ctx.state.findChat(parameters.chat_id);
    if (other === undefined) throw badRequest("chat not found");
    source = other;
  }
  const stored = ctx.state.findMessage(source.chat.id, messageId);
  if (stored === undefined) {
    if (allowWithout) return undefined;
    throw badRequest("message to be replied not found");
  }
  if (source !== chat) {
    // Cross-chat replies become external_reply in Telegram; not modelled.
    return undefined;
  }
  if (parameters?.quote !== undefined) {
    const original = stored.message.text ?? stored.message.caption ?? "";
    const quote = parameters.quote;
    const near = original.indexOf(quote, Math.max(0, parameters.quote_position ?? 0));
    const position = near !== -1 ? near : original.indexOf(quote);
    if (quote === "" || position === -1) throw badRequest("QUOTE_TEXT_INVALID");
    return { stored, quote: { text: quote, position, is_manual: true } };
  }
  return { stored };
}

/** Topic/thread id: explicit, or inherited from the replied-to message like Telegram does. */
export function threadIdFor(ctx: MethodContext, reply: ReplyTarget | undefined): number | undefined {
  const explicit = ctx.params.int("message_thread_id");
  if (explicit !== undefined && explicit !== 0) return explicit;
  return reply?.stored.message.message_thread_id;
}

export function linkPreviewFromParams(ctx: MethodContext): LinkPreviewOptions | undefined {
  const options = ctx.params.json("link_preview_options", "can't parse link preview options JSON object");
  if (options !== undefined) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw badRequest("can't parse link preview options JSON object");
    }
    return options as LinkPreviewOptions;
  }
  return ctx.params.bool("disable_web_page_preview") === true ? { is_disabled: true } : undefined;
}

export function requireMessageId(ctx: MethodContext, name = "message_id"): number {
  const id = ctx.params.int(name);
  if (id === undefined) throw badRequest("message identifier is not specified");
  return id;
}
