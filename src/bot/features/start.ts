import { FormattedString } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { Language } from "../../retrieval/language.js";
import { isAdmin } from "../access.js";
import { joinFormatted, plain, renderSources } from "../format.js";
import { botWords, languageOfUser } from "../i18n.js";
import { sendMessages } from "../send.js";
import type { BotContext, BotDeps } from "../types.js";

export function helpText(lang: Language, botUsername: string, admin: boolean): FormattedString {
  const w = botWords(lang);
  const fill = (text: string): string => text.replaceAll("{bot}", botUsername);
  const lines = [FormattedString.bold(w.helpTitle), plain(""), plain(`• ${w.helpPrivate}`), plain(`• ${fill(w.helpGroup)}`), plain(`• ${fill(w.helpInline)}`), plain(`• ${w.helpButtons}`), plain(""), plain(w.helpCommands)];
  if (admin) lines.push(plain(w.helpAdmin));
  return joinFormatted(lines);
}

function greeting(lang: Language, name: string): FormattedString {
  const w = botWords(lang);
  return joinFormatted([
    FormattedString.bold(w.greeting(name)),
    plain(w.intro),
    plain(""),
    plain(w.examplesTitle),
    ...w.examples.map((example) => plain(`• ${example}`)),
  ]);
}

/** /start (greeting with example questions), /help and /sources, in every chat type. */
export function startFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const replyTo = (ctx: BotContext) => (ctx.chat?.type === "private" || !ctx.msg ? {} : { replyTo: ctx.msg.message_id });

  composer.command("start", async (ctx) => {
    const lang = languageOfUser(ctx.from?.language_code);
    if (ctx.chat.type !== "private") {
      await sendMessages(ctx, [helpText(lang, ctx.me.username, false)], replyTo(ctx));
      return;
    }
    await sendMessages(ctx, [greeting(lang, ctx.from?.first_name ?? "")]);
  });

  composer.command("help", async (ctx) => {
    const lang = languageOfUser(ctx.from?.language_code);
    const admin = ctx.chat.type === "private" && isAdmin(deps, ctx.from?.id);
    await sendMessages(ctx, [helpText(lang, ctx.me.username, admin)], replyTo(ctx));
  });

  composer.command("sources", async (ctx) => {
    const lang = languageOfUser(ctx.from?.language_code);
    const admin = ctx.chat.type === "private" && isAdmin(deps, ctx.from?.id);
    await sendMessages(ctx, renderSources(deps.engine.articles(), lang, admin), replyTo(ctx));
  });

  return composer;
}
