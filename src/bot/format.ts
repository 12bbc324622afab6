/*
 * Message rendering for Telegram.
 *
 * Why entities instead of an HTML string: every message is built with @grammyjs/parse-mode's FormattedString
 * and sent as `text` + `entities`. Article text (which may contain "<b>", "&", "</blockquote>") is then never
 * parsed by Telegram at all, so there is nothing to escape and no escaping bug to make; the text we measure is
 * exactly the text Telegram measures for its 4096-character limit (entity offsets are UTF-16, like JS strings),
 * so splitting is exact; and FormattedString.slice() keeps entities correct when a block has to be cut. The
 * result is what Telegram's HTML mode would produce from <blockquote>, <b> and <a href>, without the parser.
 */
import { FormattedString } from "@grammyjs/parse-mode";
import type { Answer, AnswerResult, Citation } from "../answer/answer.js";
import { citationLabel } from "../answer/citation.js";
import { answerIntro, words } from "../answer/i18n.js";
import type { ArticleSummary } from "../engine/engine.js";
import type { Article } from "../knowledge/article.js";
import type { Language } from "../retrieval/language.js";
import { botWords } from "./i18n.js";

/** Telegram's limit for a message text after entity parsing. */
export const MESSAGE_LIMIT = 4096;

/**
 * A unit of layout: lines that should stay in one message when they can (one quote, one source list).
 * `gap` puts a blank line before it unless it starts a message.
 */
export interface Block {
  lines: FormattedString[];
  gap?: boolean;
}

const NEWLINE = new FormattedString("\n");
const plain = (text: string): FormattedString => new FormattedString(text);

function join(parts: FormattedString[], separator: FormattedString = NEWLINE): FormattedString {
  return FormattedString.join(parts, separator);
}

/** Cuts an over-long line at a space (or anywhere, if it has none) so each piece fits. */
function hardSplit(line: FormattedString, limit: number): FormattedString[] {
  const pieces: FormattedString[] = [];
  let rest = line;
  while (rest.text.length > limit) {
    let cut = rest.text.lastIndexOf(" ", limit);
    if (cut < limit / 2) cut = limit;
    // Never cut between the two halves of a surrogate pair (an emoji would become two broken characters).
    const code = rest.text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(rest.text[cut] === " " ? cut + 1 : cut);
  }
  if (rest.text.length > 0) pieces.push(rest);
  return pieces;
}

/**
 * Packs blocks into as few messages as possible, each at most `limit` characters, splitting only between
 * blocks (quote/passage boundaries); a block too long for any message is split between its lines, and a
 * single line too long for a message is cut at a space.
 */
export function packMessages(blocks: Block[], limit = MESSAGE_LIMIT): FormattedString[] {
  const messages: FormattedString[] = [];
  let current: FormattedString[] = [];
  let length = 0;

  const flush = (): void => {
    if (current.length > 0) messages.push(join(current, plain("")));
    current = [];
    length = 0;
  };
  const append = (text: FormattedString, gap: boolean): void => {
    const prefix = current.length === 0 ? "" : gap ? "\n\n" : "\n";
    if (prefix) current.push(plain(prefix));
    current.push(text);
    length += prefix.length + text.text.length;
  };
  const fits = (text: FormattedString, gap: boolean): boolean =>
    length + (current.length === 0 ? 0 : gap ? 2 : 1) + text.text.length <= limit;

  for (const block of blocks) {
    const gap = block.gap ?? false;
    const whole = join(block.lines);
    if (fits(whole, gap)) {
      append(whole, gap);
      continue;
    }
    if (whole.text.length <= limit) {
      flush();
      append(whole, gap);
      continue;
    }
    let first = true;
    for (const line of block.lines) {
      const lineGap = first && gap;
      first = false;
      for (const piece of line.text.length > limit ? hardSplit(line, limit) : [line]) {
        if (!fits(piece, lineGap)) flush();
        append(piece, lineGap);
      }
    }
  }
  flush();
  return messages;
}

/**
 * "[1] Title — Outlet, date" or "[1] Title — Pasal 5, hlm. 4", the title linked when the article has a URL (to
 * the quote itself when the citation knows where it is).
 */
export function citationLine(citation: Pick<Citation, "number" | "title" | "source" | "date" | "url"> & Partial<Pick<Citation, "page" | "section" | "ocr" | "link">>, lang: Language): FormattedString {
  const label = citationLabel(citation, lang);
  const details = label.slice(citation.title.length);
  const href = citation.link ?? citation.url;
  const title = href ? FormattedString.link(citation.title, href) : plain(citation.title);
  return join([plain(`[${citation.number}] `), title, plain(details)], plain(""));
}

/** One quoted sentence: a blockquote, bold when it is the best answer, followed by its citation number. */
function quotedSentence(text: string, best: boolean, citation: number): FormattedString {
  const sentence = best ? FormattedString.bold(text) : plain(text);
  return FormattedString.blockquote(join([sentence, plain(` [${citation}]`)], plain("")));
}

export interface RenderedAnswer {
  messages: FormattedString[];
  /** Results not quoted in the answer, in rank order: what "More sources" shows. */
  moreResults: number[];
}

/** The answer to a question as one or more messages; `notice` (e.g. "question was cut") comes first. */
export function renderAnswer(answer: Answer, articles: ArticleSummary[], options: { notice?: string; limit?: number } = {}): RenderedAnswer {
  const lang = answer.lang;
  const w = words(lang);
  const blocks: Block[] = [];
  if (options.notice) blocks.push({ lines: [FormattedString.italic(options.notice)] });
  if (!answer.found) {
    blocks.push({ lines: [plain(w.notFound)] });
    const covered = articles.slice(0, 5).map((article) => plain(`• ${article.title}`));
    if (covered.length > 0) blocks.push({ lines: [plain(w.covers), ...covered], gap: true });
    return { messages: packMessages(blocks, options.limit), moreResults: [] };
  }
  blocks.push({ lines: [FormattedString.bold(answerIntro(answer))] });
  for (const quote of answer.quotes) {
    blocks.push({ lines: quote.sentences.map((sentence) => quotedSentence(sentence.text, sentence.best, quote.citation)), gap: true });
  }
  blocks.push({ lines: [FormattedString.bold(`${w.sources}:`), ...answer.citations.map((citation) => citationLine(citation, lang))], gap: true });
  const quoted = new Set(answer.quotes.map((quote) => quote.passageId));
  const moreResults = answer.results.flatMap((result, index) => (quoted.has(result.passageId) ? [] : [index]));
  return { messages: packMessages(blocks, options.limit), moreResults };
}

/** Citation numbers: the answer's own, then new numbers for articles that only "More sources" shows. */
export function citationNumberFor(numbers: Map<string, number>, articleId: string): number {
  let number = numbers.get(articleId);
  if (number === undefined) {
    number = numbers.size + 1;
    numbers.set(articleId, number);
  }
  return number;
}

/** A page of further results: each quote in a blockquote with its citation number and source line. */
export function renderMoreResults(results: AnswerResult[], numbers: Map<string, number>, lang: Language, limit = MESSAGE_LIMIT): FormattedString[] {
  const blocks: Block[] = [{ lines: [FormattedString.bold(botWords(lang).moreTitle)] }];
  for (const result of results) {
    const number = citationNumberFor(numbers, result.articleId);
    blocks.push({
      lines: [quotedSentence(result.quote, false, number), citationLine({ ...result, number }, lang)],
      gap: true,
    });
  }
  return packMessages(blocks, limit);
}

/** The paragraph(s) around a quote, the quoted sentences in bold. */
export function renderPassage(context: { article: Pick<Article, "title" | "source" | "date" | "url">; text: string }, quoted: string[], number: number, lang: Language, limit = MESSAGE_LIMIT): FormattedString[] {
  const header = join([FormattedString.bold(`${botWords(lang).passageTitle} `), citationLine({ number, ...context.article }, lang)], plain(""));
  const blocks: Block[] = [{ lines: [header] }];
  for (const paragraph of context.text.split(/\n{2,}/)) {
    const trimmed = paragraph.trim();
    if (trimmed === "") continue;
    blocks.push({ lines: [FormattedString.blockquote(highlight(trimmed, quoted))], gap: true });
  }
  return packMessages(blocks, limit);
}

/** Bold for the parts of `text` that were quoted (quotes are verbatim substrings of the article). */
export function highlight(text: string, fragments: string[]): FormattedString {
  const ranges: Array<[number, number]> = [];
  for (const fragment of fragments) {
    if (fragment === "") continue;
    const at = text.indexOf(fragment);
    if (at >= 0) ranges.push([at, at + fragment.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const parts: FormattedString[] = [];
  let position = 0;
  for (const [start, end] of ranges) {
    if (start < position) continue;
    parts.push(plain(text.slice(position, start)), FormattedString.bold(text.slice(start, end)));
    position = end;
  }
  parts.push(plain(text.slice(position)));
  return join(parts, plain(""));
}

/** The article list for /sources; ids are shown to admins (they need them for /remove). */
export function renderSources(articles: ArticleSummary[], lang: Language, showIds: boolean, limit = MESSAGE_LIMIT): FormattedString[] {
  const w = botWords(lang);
  if (articles.length === 0) return [plain(w.sourcesEmpty)];
  const sorted = [...articles].sort((a, b) => (b.date ?? "").localeCompare(a.date ?? "") || a.title.localeCompare(b.title));
  const lines = sorted.map((article, index) => {
    const line = citationLine({ number: index + 1, title: article.title, source: article.source, date: article.date, url: article.url }, lang);
    return showIds ? join([line, plain(" · "), FormattedString.code(article.id)], plain("")) : line;
  });
  return packMessages([{ lines: [FormattedString.bold(w.sourcesTitle(articles.length))] }, ...lines.map((line) => ({ lines: [line] }))], limit);
}

export { join as joinFormatted, plain };
