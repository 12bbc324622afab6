import type { MessageEntity, User } from "@grammyjs/types";
import { mergeDetectedEntities } from "./entities.js";
import { badRequest, fakeLimitation } from "./errors.js";
import { parseTelegramHtml, removeForbiddenNesting } from "./html.js";
import { sortEntities, textLength, trimFormatted, type FormattedText, type LengthUnit } from "./text.js";

/** Settings shared by every place that turns (text, parse_mode, entities) into a message body. */
export interface FormattingOptions {
  lengthUnit: LengthUnit;
  rejectBareAmpersand: boolean;
  resolveUser: (id: number) => User | undefined;
}

export interface FormattedMessage extends FormattedText {
  /** The HTML the bot sent, when parse_mode was HTML; tests assert on markup with it. */
  html?: string;
  parseMode?: "HTML";
}

export type TextKind = "text" | "caption" | "draft";

const LIMITS: Record<TextKind, number> = { text: 4096, caption: 1024, draft: 4096 };

// Only these entity types may be supplied by a bot; Telegram ignores the rest
// (it recomputes mentions, URLs, ... itself).
const USER_ENTITY_TYPES = new Set([
  "bold", "italic", "underline", "strikethrough", "spoiler", "code", "pre", "text_link", "text_mention",
  "custom_emoji", "blockquote", "expandable_blockquote", "date_time",
]);

/**
 * Validates and normalises message text exactly where Telegram would refuse it:
 * HTML errors, emptiness after parsing and trimming, and the length limit,
 * which applies to the parsed text, not to the HTML source.
 */
export function formatText(
  input: { text: string | undefined; parseMode: string | undefined; entities: unknown; kind: TextKind },
  options: FormattingOptions,
): FormattedMessage {
  const raw = input.text ?? "";
  let parsed: FormattedMessage;
  const explicitEntities = Array.isArray(input.entities) && input.entities.length > 0;
  if (explicitEntities) {
    parsed = { text: raw, entities: checkExplicitEntities(raw, input.entities as unknown[]) };
  } else {
    parsed = parseWithMode(raw, input.parseMode, options);
  }

  const trimmed = trimFormatted(parsed);
  if (trimmed.text === "" && input.kind === "text") throw badRequest("message text is empty");
  if (textLength(trimmed.text, options.lengthUnit) > LIMITS[input.kind]) {
    throw badRequest(input.kind === "caption" ? "message caption is too long" : "message is too long");
  }
  return {
    ...(parsed.html === undefined ? {} : { html: parsed.html, parseMode: "HTML" as const }),
    text: trimmed.text,
    entities: mergeDetectedEntities(trimmed.text, trimmed.entities),
  };
}

function parseWithMode(raw: string, parseMode: string | undefined, options: FormattingOptions): FormattedMessage {
  const mode = (parseMode ?? "").trim().toLowerCase();
  if (mode === "") return { text: raw, entities: [] };
  if (mode === "html") {
    const parsed = parseTelegramHtml(raw, {
      rejectBareAmpersand: options.rejectBareAmpersand,
      resolveUser: options.resolveUser,
    });
    return { ...parsed, html: raw, parseMode: "HTML" };
  }
  if (mode === "markdownv2" || mode === "markdown") {
    throw fakeLimitation(`parse_mode ${parseMode} is not modelled; use HTML or plain text`);
  }
  throw badRequest("unsupported parse_mode");
}

function checkExplicitEntities(text: string, list: unknown[]): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (const item of list) {
    if (item === null || typeof item !== "object") throw badRequest("can't parse entities JSON object");
    const e = item as Record<string, unknown>;
    if (typeof e.type !== "string" || typeof e.offset !== "number" || typeof e.length !== "number") {
      throw badRequest("can't parse MessageEntity: Field \"type\", \"offset\" and \"length\" must be present");
    }
    if (!USER_ENTITY_TYPES.has(e.type)) continue;
    if (e.type === "text_link" && typeof e.url !== "string") {
      throw badRequest("can't parse MessageEntity: Field \"url\" must be of type String");
    }
    // Telegram clips entities to the text instead of refusing the message.
    const start = Math.max(0, Math.trunc(e.offset));
    const end = Math.min(text.length, Math.trunc(e.offset + e.length));
    if (end <= start) continue;
    out.push({ ...(e as unknown as MessageEntity), offset: start, length: end - start });
  }
  return removeForbiddenNesting(sortEntities(out));
}
