import type { InlineQueryResult, InlineQueryResultsButton } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import { formatText } from "../formatting.js";
import type { RenderedResult } from "../state.js";
import { inlineKeyboardOf, parseReplyMarkup } from "../markup.js";
import { byteLength, compact, textLength } from "../text.js";
import type { MethodContext, MethodHandler } from "./context.js";

const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";

const RESULT_TYPES = new Set([
  "article", "audio", "contact", "game", "document", "gif", "location", "mpeg4_gif", "photo", "venue", "video",
  "voice", "sticker",
]);

/**
 * A query can be answered once, and only while the user's client still waits
 * for it; afterwards Telegram answers with the same "too old" error as for an
 * unknown id.
 */
function isExpired(ctx: MethodContext, createdAt: number): boolean {
  return Date.now() - createdAt > ctx.options.queryTtlMs;
}

const answerCallbackQuery: MethodHandler = (ctx) => {
  const id = ctx.params.string("callback_query_id") ?? "";
  const query = ctx.state.callbackQueries.get(id);
  if (query === undefined || query.answer !== undefined || isExpired(ctx, query.createdAt)) {
    throw badRequest(QUERY_INVALID);
  }
  const text = ctx.params.string("text");
  if (text !== undefined && textLength(text, "utf16") > 200) throw badRequest("MESSAGE_TOO_LONG");
  query.answer = compact({
    text,
    show_alert: ctx.params.bool("show_alert"),
    url: ctx.params.string("url"),
    cache_time: ctx.params.int("cache_time"),
  });
  query.answeredAt = Date.now();
  ctx.state.changed();
  return true;
};

const answerInlineQuery: MethodHandler = (ctx) => {
  const id = ctx.params.string("inline_query_id") ?? "";
  const query = ctx.state.inlineQueries.get(id);
  if (query === undefined || query.answer !== undefined || isExpired(ctx, query.createdAt)) {
    throw badRequest(QUERY_INVALID);
  }
  const results = ctx.params.json("results", "can't parse inline query results JSON object");
  if (!Array.isArray(results)) throw badRequest("can't parse inline query results JSON object");
  if (results.length > 50) throw badRequest("RESULTS_TOO_MUCH");

  const seen = new Set<string>();
  const rendered: RenderedResult[] = [];
  for (const raw of results as unknown[]) {
    const result = checkResult(ctx, raw, rendered);
    if (seen.has(result.id)) throw badRequest("RESULT_ID_DUPLICATE");
    seen.add(result.id);
  }

  const nextOffset = ctx.params.string("next_offset");
  if (nextOffset !== undefined && byteLength(nextOffset) > 64) throw badRequest("NEXT_OFFSET_INVALID");
  const button = ctx.params.json("button", "can't parse inline query results button JSON object") as
    | InlineQueryResultsButton
    | undefined;

  query.answer = compact({
    results: results as InlineQueryResult[],
    cache_time: ctx.params.int("cache_time"),
    is_personal: ctx.params.bool("is_personal"),
    next_offset: nextOffset,
    button,
    rendered,
  });
  query.answeredAt = Date.now();
  ctx.state.changed();
  return true;
};

function checkResult(ctx: MethodContext, raw: unknown, rendered: RenderedResult[]): { id: string } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw badRequest("can't parse inline query result: InlineQueryResult must be an Object");
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.type !== "string" || !RESULT_TYPES.has(r.type)) {
    throw badRequest(`can't parse inline query result: Unsupported inline query result type "${String(r.type)}"`);
  }
  if (typeof r.id !== "string" || byteLength(r.id) < 1 || byteLength(r.id) > 64) {
    throw badRequest("RESULT_ID_INVALID");
  }
  if (r.type === "article") {
    if (typeof r.title !== "string" || r.title === "") {
      throw badRequest('can\'t parse inline query result: Field "title" must be of type String');
    }
    if (r.input_message_content === undefined) {
      throw badRequest('can\'t parse inline query result: Field "input_message_content" must be of type Object');
    }
  }
  if (r.reply_markup !== undefined && inlineKeyboardOf(parseReplyMarkup(r.reply_markup)) === undefined) {
    throw badRequest("can't parse inline query result: inline keyboard expected");
  }
  const content = r.input_message_content;
  if (content !== undefined && content !== null && typeof content === "object") {
    const c = content as Record<string, unknown>;
    if ("message_text" in c) {
      const formatted = formatText(
        {
          text: typeof c.message_text === "string" ? c.message_text : undefined,
          parseMode: typeof c.parse_mode === "string" ? c.parse_mode : undefined,
          entities: c.entities,
          kind: "text",
        },
        ctx.options.formatting,
      );
      rendered.push(compact({ id: r.id, text: formatted.text, entities: formatted.entities, html: formatted.html }));
    }
  }
  if (typeof r.caption === "string") {
    formatText(
      {
        text: r.caption,
        parseMode: typeof r.parse_mode === "string" ? r.parse_mode : undefined,
        entities: r.caption_entities,
        kind: "caption",
      },
      ctx.options.formatting,
    );
  }
  return { id: r.id };
}

export const queryMethods: Record<string, MethodHandler> = {
  answerCallbackQuery,
  answerInlineQuery,
};
