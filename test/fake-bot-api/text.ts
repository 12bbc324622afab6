import type { MessageEntity } from "@grammyjs/types";

/** How message length limits are counted; see FakeBotApiOptions.lengthUnit. */
export type LengthUnit = "utf16" | "codepoint";

export function textLength(text: string, unit: LengthUnit): number {
  if (unit === "utf16") return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

// Telegram removes leading/trailing whitespace from every message and caption
// and shifts the entities accordingly; a bot whose test asserts on a leading
// newline would otherwise pass here and fail against the real server.
const TRIMMABLE = /^[ \t\r\n\v\f]+|[ \t\r\n\v\f]+$/g;

export function trimFormatted({ text, entities }: FormattedText): FormattedText {
  const lead = /^[ \t\r\n\v\f]*/.exec(text)?.[0].length ?? 0;
  const trimmed = text.replace(TRIMMABLE, "");
  if (trimmed.length === text.length) return { text, entities };
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) out.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: out };
}

// tdlib orders entities by offset, then longer first, then by a fixed type
// priority; returned messages list them in that order.
const PRIORITY: Record<string, number> = {
  blockquote: 0, expandable_blockquote: 0, pre: 11, code: 20, text_link: 49, text_mention: 49,
  mention: 50, hashtag: 50, cashtag: 50, bot_command: 50, url: 50, email: 50, phone_number: 50,
  bold: 90, italic: 91, underline: 92, strikethrough: 93, spoiler: 94, custom_emoji: 99,
};

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return [...entities].sort(
    (a, b) =>
      a.offset - b.offset ||
      b.length - a.length ||
      (PRIORITY[a.type] ?? 50) - (PRIORITY[b.type] ?? 50),
  );
}

/** JSON with sorted keys and no undefined/null members, for "is this the same content" checks. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && v !== null) out[key] = normalize(v);
    }
    return out;
  }
  return value;
}

/** Removes undefined members so returned API objects look like Telegram's (absent, not null). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
