import type { MessageEntity, User } from "@grammyjs/types";
import { badRequest, type TelegramError } from "./errors.js";
import { sortEntities, type FormattedText } from "./text.js";

/*
 * Telegram-HTML parser that follows tdlib's `parse_html` byte for byte: the
 * same accepted tags and attributes, the same leniencies (unknown HTML
 * entities and a bare "&" are kept literally, `</>` closes any tag) and the
 * same error texts with UTF-8 byte offsets. A bot that passes here should not
 * meet "can't parse entities" in production, and vice versa.
 */

export interface HtmlOptions {
  /**
   * Telegram keeps a bare "&" literally; the docs nevertheless say it must be
   * escaped, and "&lt" without ";" is silently decoded. Set to reject any "&"
   * that does not start a recognised entity (fake-only error text).
   */
  rejectBareAmpersand?: boolean;
  /** Resolves `tg://user?id=` links to users; unknown users drop the link like Telegram. */
  resolveUser?: (id: number) => User | undefined;
}

const SUPPORTED_TAGS = new Set([
  "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
  "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
]);

interface OpenTag {
  tag: string;
  argument: string;
  utf16Offset: number;
  resultBytePos: number;
}

/** Entity under construction; `argument` carries href/language/emoji id until the end. */
interface RawEntity {
  type: MessageEntity["type"];
  offset: number;
  length: number;
  argument: string;
  user?: User;
}

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, AMP = 0x26, EQ = 0x3d, QUOT = 0x22, APOS = 0x27;

// tdlib's is_space counts NUL as space; reads past the end return NUL, which
// is how its loops stop at the end of the text.
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x00 || c === 0x0b;
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

function parseError(reason: string): TelegramError {
  return badRequest(`can't parse entities: ${reason}`);
}

export function parseTelegramHtml(source: string, options: HtmlOptions = {}): FormattedText {
  const bytes = Buffer.from(source, "utf8");
  const n = bytes.length;
  const at = (i: number): number => (i < n ? bytes[i]! : 0);
  const slice = (from: number, to: number): string => bytes.subarray(from, to).toString("utf8");

  const out: number[] = [];
  const stack: OpenTag[] = [];
  const entities: RawEntity[] = [];
  let utf16 = 0;
  let loneSurrogate = false;

  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === AMP) {
      const decoded = decodeHtmlEntity(bytes, i);
      if (decoded !== undefined) {
        i = decoded.next - 1;
        if (decoded.codePoint >= 0xd800 && decoded.codePoint <= 0xdfff) loneSurrogate = true;
        utf16 += decoded.codePoint > 0xffff ? 2 : 1;
        appendUtf8(out, decoded.codePoint);
        continue;
      }
      if (options.rejectBareAmpersand) {
        throw parseError(`[fake-bot-api strict mode] unescaped "&" at byte offset ${i}; use &amp;`);
      }
    }
    if (c !== LT) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1;
      out.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== SLASH) {
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      if (i >= n) throw parseError(`Unclosed start tag at byte offset ${begin}`);
      const tag = asciiLower(slice(begin + 1, i));
      if (!SUPPORTED_TAGS.has(tag)) {
        throw parseError(`Unsupported start tag "${tag}" at byte offset ${begin}`);
      }

      let argument = "";
      while (at(i) !== GT) {
        while (i < n && isSpace(at(i))) i++;
        if (at(i) === GT) break;
        const nameBegin = i;
        while (!isSpace(at(i)) && at(i) !== EQ && at(i) !== GT) i++;
        const attribute = slice(nameBegin, i);
        if (attribute === "") {
          throw parseError(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        }
        while (i < n && isSpace(at(i))) i++;
        if (at(i) !== EQ) {
          // The only valueless attribute Telegram knows.
          if (tag === "blockquote" && asciiLower(attribute) === "expandable") {
            argument = "1";
            continue;
          }
          throw parseError(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${begin}`,
          );
        }
        i++;
        while (i < n && isSpace(at(i))) i++;
        if (i >= n) throw parseError(`Unclosed start tag "${tag}" at byte offset ${begin}`);

        let value: string;
        if (at(i) !== QUOT && at(i) !== APOS) {
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = asciiLower(slice(tokenBegin, i));
          if (!isSpace(at(i)) && at(i) !== GT) {
            throw parseError(`Unexpected end of name token at byte offset ${tokenBegin}`);
          }
        } else {
          const quote = at(i++);
          const valueBytes: number[] = [];
          while (at(i) !== quote && i < n) {
            if (at(i) === AMP) {
              const decoded = decodeHtmlEntity(bytes, i);
              if (decoded !== undefined) {
                appendUtf8(valueBytes, decoded.codePoint);
                i = decoded.next;
                continue;
              }
            }
            valueBytes.push(at(i++));
          }
          if (at(i) === quote) i++;
          value = Buffer.from(valueBytes).toString("utf8");
        }
        if (i >= n) throw parseError(`Unclosed start tag at byte offset ${begin}`);

        if (tag === "a" && attribute === "href") argument = value;
        else if (tag === "code" && attribute === "class" && value.startsWith("language-")) argument = value.slice(9);
        else if (tag === "span" && attribute === "class" && value.startsWith("tg-")) argument = value.slice(3);
        else if (tag === "tg-emoji" && attribute === "emoji-id") argument = value;
      }

      if (tag === "span" && argument !== "spoiler") {
        throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      }
      stack.push({ tag, argument, utf16Offset: utf16, resultBytePos: out.length });
      continue; // the loop increment steps over '>'
    }

    // End tag.
    const open = stack.at(-1);
    if (open === undefined) throw parseError(`Unexpected end tag at byte offset ${begin}`);
    while (!isSpace(at(i)) && at(i) !== GT) i++;
    const endName = asciiLower(slice(begin + 2, i));
    while (i < n && isSpace(at(i))) i++;
    if (at(i) !== GT) throw parseError(`Unclosed end tag at byte offset ${begin}`);
    if (endName !== "" && endName !== open.tag) {
      throw parseError(
        `Unmatched end tag at byte offset ${begin}, expected "</${open.tag}>", found "</${endName}>"`,
      );
    }
    if (utf16 > open.utf16Offset) {
      closeEntity(open, utf16 - open.utf16Offset, entities, () => Buffer.from(out.slice(open.resultBytePos)).toString("utf8"), options);
    }
    stack.pop();
  }

  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    throw parseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  }

  if (loneSurrogate) {
    throw parseError(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
  }
  const text = Buffer.from(out).toString("utf8");
  return { text, entities: removeForbiddenNesting(sortEntities(entities.map(toMessageEntity))) };
}

function closeEntity(
  open: OpenTag,
  length: number,
  entities: RawEntity[],
  innerText: () => string,
  options: HtmlOptions,
): void {
  const offset = open.utf16Offset;
  const simple = (type: RawEntity["type"]): void => void entities.push({ type, offset, length, argument: "" });
  switch (open.tag) {
    case "b":
    case "strong":
      return simple("bold");
    case "i":
    case "em":
      return simple("italic");
    case "u":
    case "ins":
      return simple("underline");
    case "s":
    case "strike":
    case "del":
      return simple("strikethrough");
    case "tg-spoiler":
    case "span":
      return simple("spoiler");
    case "blockquote":
      return simple(open.argument === "1" ? "expandable_blockquote" : "blockquote");
    case "tg-emoji": {
      if (!/^[1-9][0-9]{0,18}$/.test(open.argument)) throw parseError("Invalid custom emoji identifier specified");
      entities.push({ type: "custom_emoji", offset, length, argument: open.argument });
      return;
    }
    case "a": {
      const url = open.argument === "" ? innerText() : open.argument;
      const userId = linkUserId(url);
      if (userId !== undefined) {
        const user = options.resolveUser?.(userId);
        if (user !== undefined) entities.push({ type: "text_mention", offset, length, argument: "", user });
        return;
      }
      const checked = checkLink(url);
      if (checked !== undefined) entities.push({ type: "text_link", offset, length, argument: checked });
      return;
    }
    case "pre": {
      // <pre><code class="language-x">…</code></pre> becomes one pre entity with a language.
      const last = entities.at(-1);
      if (last?.type === "code" && last.offset === offset && last.length === length && last.argument !== "") {
        last.type = "pre";
        return;
      }
      entities.push({ type: "pre", offset, length, argument: "" });
      return;
    }
    case "code": {
      const last = entities.at(-1);
      if (last?.type === "pre" && last.offset === offset && last.length === length && open.argument !== "") {
        last.argument = open.argument;
        return;
      }
      entities.push({ type: "code", offset, length, argument: open.argument });
      return;
    }
  }
}

function toMessageEntity(e: RawEntity): MessageEntity {
  switch (e.type) {
    case "text_link":
      return { type: "text_link", offset: e.offset, length: e.length, url: e.argument };
    case "text_mention":
      return { type: "text_mention", offset: e.offset, length: e.length, user: e.user! };
    case "custom_emoji":
      return { type: "custom_emoji", offset: e.offset, length: e.length, custom_emoji_id: e.argument };
    case "pre":
      return e.argument === ""
        ? { type: "pre", offset: e.offset, length: e.length }
        : { type: "pre", offset: e.offset, length: e.length, language: e.argument };
    default:
      // A language on a lone <code> is dropped, as tdlib does.
      return { type: e.type, offset: e.offset, length: e.length } as MessageEntity;
  }
}

/**
 * Telegram does not keep entities inside pre/code, nor blockquotes inside
 * blockquotes; it drops them rather than failing, so the returned message
 * shows fewer entities than the HTML suggests.
 */
export function removeForbiddenNesting(entities: MessageEntity[]): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const inside = (p: MessageEntity): boolean => e.offset >= p.offset && e.offset + e.length <= p.offset + p.length;
    const container = out.find(
      (p) =>
        inside(p) &&
        (p.type === "pre" || p.type === "code" ||
          ((p.type === "blockquote" || p.type === "expandable_blockquote") &&
            (e.type === "blockquote" || e.type === "expandable_blockquote"))),
    );
    if (container === undefined) out.push(e);
  }
  return out;
}

function linkUserId(url: string): number | undefined {
  const m = /^tg:(?:\/\/)?user\?id=(\d{1,15})$/i.exec(url.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * Roughly tdlib's get_checked_link: known schemes pass, scheme-less hosts get
 * "http://", anything else makes Telegram silently drop the link entity.
 */
export function checkLink(raw: string): string | undefined {
  const url = raw.trim();
  if (url === "") return undefined;
  const withSlashes = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(url);
  if (withSlashes) {
    const scheme = withSlashes[1]!.toLowerCase();
    const rest = withSlashes[2]!;
    if (scheme === "http" || scheme === "https" || scheme === "ftp") return /^[^\s/?#]+/.test(rest) ? url : undefined;
    return ["tg", "ton", "tonsite"].includes(scheme) ? url : undefined;
  }
  if (/^(tg|ton|tonsite):/i.test(url)) return url;
  // "javascript:", "mailto:" and friends; "host:port" is still a host.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)/.test(url)) return undefined;
  return /^[^\s/?#:]+\.[a-zA-Z0-9-]{2,}(?::\d+)?(?:[/?#]\S*)?$/.test(url) ? `http://${url}` : undefined;
}

interface Decoded {
  codePoint: number;
  next: number;
}

/** tdlib's decode_html_entity: numeric references and only &lt; &gt; &amp; &quot; (";" optional). */
function decodeHtmlEntity(bytes: Uint8Array, pos: number): Decoded | undefined {
  const at = (i: number): number => (i < bytes.length ? bytes[i]! : 0);
  let end = pos + 1;
  let codePoint = 0;
  if (at(end) === 0x23 /* # */) {
    end++;
    if (at(end) === 0x78 /* x */) {
      end++;
      while (/[0-9a-fA-F]/.test(String.fromCharCode(at(end))) && at(end) !== 0) {
        codePoint = codePoint * 16 + parseInt(String.fromCharCode(at(end)), 16);
        end++;
      }
    } else {
      while (at(end) >= 0x30 && at(end) <= 0x39) {
        codePoint = codePoint * 10 + (at(end) - 0x30);
        end++;
      }
    }
    if (codePoint === 0 || codePoint >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while ((at(end) >= 0x41 && at(end) <= 0x5a) || (at(end) >= 0x61 && at(end) <= 0x7a)) end++;
    const name = Buffer.from(bytes.subarray(pos + 1, end)).toString("latin1");
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const value = named[name];
    if (value === undefined) return undefined;
    codePoint = value;
  }
  return { codePoint, next: at(end) === 0x3b /* ; */ ? end + 1 : end };
}

function appendUtf8(out: number[], codePoint: number): void {
  for (const b of Buffer.from(String.fromCodePoint(codePoint), "utf8")) out.push(b);
}
