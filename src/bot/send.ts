import type { FormattedString } from "@grammyjs/parse-mode";
import { GrammyError, type Api, type InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "./types.js";

/** Forum topics: answers go to the topic the question was asked in. */
export function threadOf(ctx: BotContext): { message_thread_id?: number } {
  const message = ctx.msg;
  return message?.is_topic_message && message.message_thread_id !== undefined ? { message_thread_id: message.message_thread_id } : {};
}

export interface SendOptions {
  /** Thread the first message to this message (the question). */
  replyTo?: number;
  /** Inline keyboard under the last message. */
  keyboard?: InlineKeyboard;
}

/** Sends a (possibly split) text as consecutive messages in the update's chat. */
export async function sendMessages(ctx: BotContext, messages: FormattedString[], options: SendOptions = {}): Promise<Message.TextMessage[]> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) throw new Error("sendMessages needs an update with a chat");
  const sent: Message.TextMessage[] = [];
  for (const [index, message] of messages.entries()) {
    const last = index === messages.length - 1;
    sent.push(
      await ctx.api.sendMessage(chatId, message.text, {
        entities: message.entities,
        link_preview_options: { is_disabled: true },
        ...threadOf(ctx),
        ...(index === 0 && options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
        ...(last && options.keyboard ? { reply_markup: options.keyboard } : {}),
      }),
    );
  }
  return sent;
}

/**
 * Shows "typing…" until the returned function is called. Telegram clears the action after ~5 s, so it is
 * repeated; failures are ignored (the indicator is cosmetic and must never fail an answer).
 */
export function startTyping(ctx: BotContext, intervalMs: number): () => void {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return () => {};
  const send = (): void => {
    ctx.api.sendChatAction(chatId, "typing", threadOf(ctx)).catch((error: unknown) => ctx.log.debug({ err: describeError(error) }, "typing action failed"));
  };
  send();
  const timer = setInterval(send, intervalMs);
  return () => clearInterval(timer);
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** Edits a text message in place; "not modified" (same text again) is not an error. */
export async function editText(api: Api, chatId: number, messageId: number, text: FormattedString, keyboard?: InlineKeyboard): Promise<void> {
  try {
    await api.editMessageText(chatId, messageId, text.text, { entities: text.entities, link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) });
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}

/** An error as a short loggable object, without request payloads (which may contain user text). */
export function describeError(error: unknown): { name: string; message: string; code?: number } {
  if (error instanceof GrammyError) return { name: "GrammyError", message: error.description, code: error.error_code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "unknown", message: String(error) };
}

/**
 * Builds a progress reporter that edits one message at most every `intervalMs` and never sends the same text
 * twice; the final text is always written.
 */
export function progressEditor(api: Api, chatId: number, messageId: number, intervalMs: number, onError: (error: unknown) => void): { update(text: FormattedString): void; finish(text: FormattedString, keyboard?: InlineKeyboard): Promise<void> } {
  let lastText = "";
  let lastAt = 0;
  let pending: Promise<void> = Promise.resolve();
  return {
    update(text) {
      const now = Date.now();
      if (text.text === lastText || now - lastAt < intervalMs) return;
      lastText = text.text;
      lastAt = now;
      pending = pending.then(() => editText(api, chatId, messageId, text)).catch(onError);
    },
    async finish(text, keyboard) {
      await pending;
      lastText = text.text;
      await editText(api, chatId, messageId, text, keyboard);
    },
  };
}
