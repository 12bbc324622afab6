import type {
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from "@grammyjs/types";
import { badRequest } from "./errors.js";
import { checkLink } from "./html.js";
import { byteLength } from "./text.js";

export type AnyReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

const BUTTON_ACTIONS = [
  "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
] as const;

/** Accepts a reply_markup as sent (object, or JSON string in form bodies) and rejects what Telegram rejects. */
export function parseReplyMarkup(value: unknown): AnyReplyMarkup | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  let markup: unknown = value;
  if (typeof value === "string") {
    try {
      markup = JSON.parse(value);
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  if (markup === null || typeof markup !== "object" || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const m = markup as Record<string, unknown>;
  if ("inline_keyboard" in m) return { inline_keyboard: parseInlineKeyboard(m.inline_keyboard) };
  if ("keyboard" in m) {
    if (!isArrayOfArrays(m.keyboard)) {
      throw badRequest('Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of m.keyboard) {
      for (const button of row) {
        const ok = typeof button === "string" || (isRecord(button) && typeof button.text === "string");
        if (!ok) throw badRequest("can't parse keyboard button: Field \"text\" must be of type String");
      }
    }
    return m as unknown as ReplyKeyboardMarkup;
  }
  if (m.remove_keyboard === true) return m as unknown as ReplyKeyboardRemove;
  if (m.force_reply === true) return m as unknown as ForceReply;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardButton[][] {
  if (!isArrayOfArrays(rows)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  return rows.map((row) => row.map(parseInlineButton));
}

function parseInlineButton(value: unknown): InlineKeyboardButton {
  if (!isRecord(value)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof value.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  const actions = BUTTON_ACTIONS.filter((key) => value[key] !== undefined && value[key] !== null);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (value.callback_data !== undefined) {
    const data = value.callback_data;
    // The limit is in bytes: a 30-character Indonesian/Cyrillic payload can already overflow it.
    if (typeof data !== "string" || byteLength(data) < 1 || byteLength(data) > 64) {
      throw badRequest("BUTTON_DATA_INVALID");
    }
  }
  if (value.url !== undefined) {
    const url = value.url;
    if (typeof url !== "string" || checkLink(url) === undefined) {
      throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
    }
  }
  for (const key of ["switch_inline_query", "switch_inline_query_current_chat"] as const) {
    if (value[key] !== undefined && typeof value[key] !== "string") {
      throw badRequest(`can't parse inline keyboard button: Field "${key}" must be of type String`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = v;
  return out as unknown as InlineKeyboardButton;
}

function isArrayOfArrays(value: unknown): value is unknown[][] {
  return Array.isArray(value) && value.every((row) => Array.isArray(row));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function inlineKeyboardOf(markup: AnyReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup !== undefined && "inline_keyboard" in markup ? markup : undefined;
}

/** Every callback_data present on a keyboard, for "can a user press this?" checks. */
export function callbackDataOf(markup: InlineKeyboardMarkup | undefined): string[] {
  if (markup === undefined) return [];
  return markup.inline_keyboard.flat().flatMap((b) => ("callback_data" in b ? [b.callback_data] : []));
}
