import type { MessageEntity } from "@grammyjs/types";
import { sortEntities } from "./text.js";

/*
 * Entities Telegram detects by itself in any text (user messages and the
 * bot's own): mentions, bot commands, hashtags, cashtags, URLs and e-mails.
 * Offsets are UTF-16 code units. The boundary rules follow tdlib's matchers,
 * because privacy mode and grammY's command routing both depend on exactly
 * where a "/command" or "@mention" entity starts and ends.
 */

const WORD = /[\p{L}\p{N}_]/u;
const HASHTAG_LETTER = /[\p{L}\p{Nd}_\u200c\u00b7\u0d80-\u0dff]/u;
const LETTER = /\p{L}/u;

/** The code point that ends right before UTF-16 index `i` (or "" at the start). */
function charBefore(text: string, i: number): string {
  if (i <= 0) return "";
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) return text.slice(i - 2, i);
  return text.slice(i - 1, i);
}

function charAt(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

const isAsciiWord = (ch: string): boolean => /^[A-Za-z0-9_]$/.test(ch);

function findMentions(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (let i = text.indexOf("@"); i !== -1; i = text.indexOf("@", i + 1)) {
    if (WORD.test(charBefore(text, i))) continue;
    let end = i + 1;
    while (end < text.length && isAsciiWord(text[end]!)) end++;
    const size = end - i - 1;
    if (size < 2 || size > 32) continue;
    if (WORD.test(charAt(text, end))) continue;
    out.push({ type: "mention", offset: i, length: end - i });
  }
  return out;
}

function findBotCommands(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const stopper = (ch: string): boolean => WORD.test(ch) || ch === "/" || ch === "<" || ch === ">";
  for (let i = text.indexOf("/"); i !== -1; i = text.indexOf("/", i + 1)) {
    if (stopper(charBefore(text, i))) continue;
    let end = i + 1;
    while (end < text.length && isAsciiWord(text[end]!)) end++;
    const size = end - i - 1;
    if (size < 1 || size > 64) continue;
    if (text[end] === "@") {
      let mentionEnd = end + 1;
      while (mentionEnd < text.length && isAsciiWord(text[mentionEnd]!)) mentionEnd++;
      const mentionSize = mentionEnd - end - 1;
      if (mentionSize < 3 || mentionSize > 32) continue;
      end = mentionEnd;
    }
    if (stopper(charAt(text, end))) continue;
    out.push({ type: "bot_command", offset: i, length: end - i });
  }
  return out;
}

function findHashtags(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (let i = text.indexOf("#"); i !== -1; i = text.indexOf("#", i + 1)) {
    if (HASHTAG_LETTER.test(charBefore(text, i))) continue;
    let end = i + 1;
    let count = 0;
    let cutAt = -1;
    let hasLetter = false;
    for (;;) {
      const ch = charAt(text, end);
      if (ch === "" || !HASHTAG_LETTER.test(ch)) break;
      if (count < 256) {
        hasLetter ||= LETTER.test(ch);
        count++;
        if (count === 256) cutAt = end + ch.length;
      }
      end += ch.length;
    }
    if (count < 1 || text[end] === "#" || !hasLetter) continue;
    const stop = cutAt === -1 ? end : cutAt;
    out.push({ type: "hashtag", offset: i, length: stop - i });
  }
  return out;
}

function findCashtags(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (let i = text.indexOf("$"); i !== -1; i = text.indexOf("$", i + 1)) {
    const before = charBefore(text, i);
    if (before === "$" || HASHTAG_LETTER.test(before)) continue;
    const m = /^(1INCH|[A-Z]{1,8})/.exec(text.slice(i + 1, i + 10));
    if (!m) continue;
    const end = i + 1 + m[1]!.length;
    const after = charAt(text, end);
    if (after === "$" || HASHTAG_LETTER.test(after)) continue;
    out.push({ type: "cashtag", offset: i, length: end - i });
  }
  return out;
}

// tdlib knows every TLD; a scheme-less "word.word" only becomes a link when
// the last label is a real TLD. This list covers what test texts plausibly use.
const COMMON_TLDS = new Set(
  ("com org net id io ru de uk info gov edu me app dev co us biz ai sg my au jp cn in eu tv xyz online site tech " +
    "ly to gg fm be nl fr it es pl ua kz uz br mx ca ch at se no fi dk cz sk hu ro bg gr tr il ir sa ae ph th vn " +
    "kr tw hk nz za ng ke eg pk bd lk np mm kh la bn tl pg fj ws")
    .split(" "),
);

const HOST = String.raw`(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+([\p{L}]{2,24})`;
const IPV4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const URL_RE = new RegExp(
  String.raw`(?:(https?|ftp|tg|ton|tonsite)://)?(?:${HOST}|${IPV4})(?::\d{1,5})?(?:[/?#][^\s]*)?`,
  "giu",
);
const EMAIL_RE = new RegExp(String.raw`[\p{L}\p{N}._%+-]+@${HOST}`, "giu");

function trimUrlTail(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1);
    if (last === undefined) return out;
    if (".,;:!?'\"»".includes(last)) {
      out = out.slice(0, -1);
      continue;
    }
    const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
    const open = pairs[last];
    if (open !== undefined && out.split(open).length <= out.split(last).length - 1) {
      out = out.slice(0, -1);
      continue;
    }
    return out;
  }
}

function findUrlsAndEmails(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (const m of text.matchAll(EMAIL_RE)) {
    const start = m.index;
    const tld = m[1]?.toLowerCase() ?? "";
    if (!COMMON_TLDS.has(tld)) continue;
    out.push({ type: "email", offset: start, length: m[0].length });
  }
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index;
    const before = charBefore(text, start);
    if (WORD.test(before) || before === "@" || before === "." || before === "/") continue;
    const url = trimUrlTail(m[0]);
    const scheme = m[1];
    const tld = m[2]?.toLowerCase();
    if (scheme === undefined && tld !== undefined && !COMMON_TLDS.has(tld)) continue;
    if (out.some((e) => e.type === "email" && start < e.offset + e.length && e.offset < start + url.length)) continue;
    out.push({ type: "url", offset: start, length: url.length });
  }
  return out;
}

/** Auto-detected entities, non-overlapping, in Telegram's order. */
export function findEntities(text: string): MessageEntity[] {
  const all = sortEntities([
    ...findMentions(text),
    ...findBotCommands(text),
    ...findHashtags(text),
    ...findCashtags(text),
    ...findUrlsAndEmails(text),
  ]);
  const kept: MessageEntity[] = [];
  let lastEnd = 0;
  for (const e of all) {
    if (e.offset >= lastEnd) {
      kept.push(e);
      lastEnd = e.offset + e.length;
    }
  }
  return kept;
}

const BLOCKING = new Set(["pre", "code", "text_link", "text_mention", "custom_emoji"]);

/**
 * Adds auto-detected entities to formatting entities the way Telegram does for
 * outgoing messages: a detected URL or mention is dropped where it would
 * overlap code, a text link or a mention-by-id.
 */
export function mergeDetectedEntities(text: string, formatting: MessageEntity[]): MessageEntity[] {
  const blockers = formatting.filter((e) => BLOCKING.has(e.type));
  const detected = findEntities(text).filter(
    (d) => !blockers.some((b) => d.offset < b.offset + b.length && b.offset < d.offset + d.length),
  );
  return sortEntities([...formatting, ...detected]);
}
