import { Composer, InlineKeyboard } from "grammy";
import { CALLBACK, quotedFragments, type Answering } from "../answering.js";
import { citationNumberFor, renderMoreResults, renderPassage } from "../format.js";
import { botWords, languageOfUser } from "../i18n.js";
import { sendMessages } from "../send.js";
import type { BotContext, BotDeps } from "../types.js";

/** Results shown per press of "More sources". */
const MORE_PAGE = 3;

/**
 * The buttons under an answer. callback_data carries only a short key into the button store; an unknown or
 * evicted key (answer older than 24 h, shared store unreachable) gets a friendly "ask again", and data
 * that does not parse (crafted by a client) gets "no longer valid" — neither ever throws.
 */
export function buttonsFeature(deps: BotDeps, answering: Answering): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const lang = (ctx: BotContext) => languageOfUser(ctx.from?.language_code);

  const stateOr = async (ctx: BotContext, key: string) => {
    const state = await answering.buttons.get(key);
    if (!state) await ctx.answerCallbackQuery({ text: botWords(lang(ctx)).expired, show_alert: true });
    return state;
  };

  composer.callbackQuery(/^m:([\w-]{1,16})$/, async (ctx) => {
    const key = ctx.match[1]!;
    const state = await stateOr(ctx, key);
    if (!state) return;
    const w = botWords(state.answer.lang);
    if (state.remaining.length === 0 || !ctx.callbackQuery.message) {
      await ctx.answerCallbackQuery({ text: w.noMore });
      return;
    }
    const page = state.remaining.splice(0, MORE_PAGE);
    await answering.buttons.update(key, state);
    await ctx.answerCallbackQuery();
    const results = page.map((index) => state.answer.results[index]!);
    const messages = renderMoreResults(results, state.numbers, state.answer.lang);
    const keyboard = new InlineKeyboard();
    for (const [position, index] of page.entries()) {
      keyboard.text(`📄 [${citationNumberFor(state.numbers, results[position]!.articleId)}]`, CALLBACK.passage(key, index));
    }
    if (state.remaining.length > 0) keyboard.row().text(w.more, CALLBACK.more(key));
    await sendMessages(ctx, messages, { replyTo: ctx.callbackQuery.message.message_id, keyboard });
  });

  composer.callbackQuery(/^p:([\w-]{1,16}):(\d{1,3})$/, async (ctx) => {
    const state = await stateOr(ctx, ctx.match[1]!);
    if (!state) return;
    const index = Number(ctx.match[2]);
    const result = state.answer.results[index];
    const w = botWords(state.answer.lang);
    if (!result || !ctx.callbackQuery.message) {
      await ctx.answerCallbackQuery({ text: w.invalidButton });
      return;
    }
    const context = deps.engine.passageContext(result.passageId);
    if (!context) {
      await ctx.answerCallbackQuery({ text: w.passageMissing, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const number = citationNumberFor(state.numbers, result.articleId);
    const messages = renderPassage(context, quotedFragments(state.answer, index), number, state.answer.lang);
    await sendMessages(ctx, messages, { replyTo: ctx.callbackQuery.message.message_id });
  });

  composer.callbackQuery(/^f:([\w-]{1,16}):([ud])$/, async (ctx) => {
    const key = ctx.match[1]!;
    const state = await stateOr(ctx, key);
    if (!state) return;
    const vote = ctx.match[2] === "u" ? "up" : "down";
    const previous = state.votes.get(ctx.from.id);
    state.votes.set(ctx.from.id, vote);
    await answering.buttons.update(key, state);
    deps.stats.recordFeedback(vote, previous);
    ctx.log.info({ vote, changed: previous !== undefined && previous !== vote }, "feedback");
    const w = botWords(state.answer.lang);
    await ctx.answerCallbackQuery({ text: vote === "up" ? w.thanksUp : w.thanksDown });
  });

  return composer;
}

/** Last in the chain: any other button (old layout, crafted data, games) is acknowledged, never left spinning. */
export function unknownButtons(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: botWords(languageOfUser(ctx.from.language_code)).invalidButton });
  });
  return composer;
}
