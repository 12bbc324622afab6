import { FormattedString } from "@grammyjs/parse-mode";
import { Composer, type MiddlewareFn } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import type { Answer } from "../../answer/answer.js";
import { cutQuestion, isBlankQuestion } from "../answering.js";
import { citationLine, joinFormatted, MESSAGE_LIMIT, packMessages, plain, renderAnswer } from "../format.js";
import { botWords, languageOfUser } from "../i18n.js";
import type { BotContext, BotDeps, BotOptions } from "../types.js";

/** Other ranked results offered next to the full answer. */
const EXTRA_RESULTS = 4;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${cutQuestion(flat, max - 1)}…`;
}

function article(id: string, title: string, description: string, message: FormattedString): InlineQueryResultArticle {
  return {
    type: "article",
    id,
    title: shorten(title, 100),
    description: shorten(description, 200),
    // Same FormattedString → entities rendering as chat answers: no HTML parsing, nothing to escape.
    input_message_content: { message_text: message.text, entities: message.entities, link_preview_options: { is_disabled: true } },
  };
}

/**
 * The answer as one message (an inline result is a single message): the whole answer when it fits, otherwise
 * the fewest quotes dropped — the best one always kept — so that the sources list is never cut off.
 */
export function inlineAnswerMessage(answer: Answer, limit = MESSAGE_LIMIT): FormattedString {
  const best = answer.quotes.findIndex((quote) => quote.sentences.some((sentence) => sentence.best));
  const order = best > 0 ? [best, ...answer.quotes.keys()].filter((index, position, all) => all.indexOf(index) === position) : [...answer.quotes.keys()];
  for (let keep = order.length; keep >= 1; keep--) {
    const kept = new Set(order.slice(0, keep));
    const quotes = answer.quotes.filter((_, index) => kept.has(index));
    const cited = new Set(quotes.map((quote) => quote.citation));
    const [first, ...rest] = renderAnswer({ ...answer, quotes, citations: answer.citations.filter((citation) => cited.has(citation.number)) }, [], { limit }).messages;
    if (first && rest.length === 0) return first;
  }
  return renderAnswer(answer, [], { limit }).messages[0] ?? plain(answer.question);
}

export function inlineResults(answer: Answer): InlineQueryResultArticle[] {
  const w = botWords(answer.lang);
  const best = answer.quotes.flatMap((quote) => quote.sentences).find((sentence) => sentence.best)?.text ?? answer.results[0]?.quote ?? "";
  const results = [article("answer", answer.kind === "related" ? w.inlineRelatedTitle : w.inlineAnswerTitle, best, inlineAnswerMessage(answer))];
  for (const [index, result] of answer.results.slice(0, EXTRA_RESULTS).entries()) {
    const line = citationLine({ ...result, number: 1 }, answer.lang);
    const [message] = packMessages([{ lines: [FormattedString.blockquote(`${result.quote} [1]`)] }, { lines: [line], gap: true }], MESSAGE_LIMIT);
    results.push(article(`r${index}`, result.title, result.quote, message ?? joinFormatted([plain(result.quote), line])));
  }
  return results;
}

/**
 * Inline mode (`@BotName question` in any chat): the cited answer first, then single quotes from the best
 * passages. An empty query gets no results and a hint button; so does a question with no relevant passage.
 * cache_time is short because an admin can change the knowledge base at any time.
 */
export function inlineFeature(deps: BotDeps, options: BotOptions, limiter: MiddlewareFn<BotContext>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("inline_query", async (ctx) => {
    const lang = languageOfUser(ctx.from.language_code);
    const query = ctx.inlineQuery.query.trim();
    const cache = { cache_time: options.inlineCacheSeconds, is_personal: false };
    if (isBlankQuestion(query)) {
      await ctx.answerInlineQuery([], { ...cache, button: { text: botWords(lang).inlineHint, start_parameter: "inline" } });
      return;
    }
    await limiter(ctx, async () => {
      const started = performance.now();
      const answer = await deps.engine.ask(cutQuestion(query, options.maxQuestionChars));
      ctx.log.info({ found: answer.found, lang: answer.lang, chars: query.length, ms: Math.round(performance.now() - started) }, "inline query answered");
      if (!answer.found) {
        await ctx.answerInlineQuery([], { ...cache, button: { text: botWords(answer.lang).inlineNotFound, start_parameter: "inline" } });
        return;
      }
      await ctx.answerInlineQuery(inlineResults(answer), cache);
    });
  });
  return composer;
}
