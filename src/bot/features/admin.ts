import { FormattedString } from "@grammyjs/parse-mode";
import { Composer, InlineKeyboard } from "grammy";
import { IndexNotUpdatedError, type RefreshCallbacks } from "../../engine/engine.js";
import { formatDate } from "../../knowledge/dates.js";
import { safeArticleFileName } from "../../knowledge/folder.js";
import type { Article } from "../../knowledge/article.js";
import { ArticleError } from "../../knowledge/parse.js";
import { isAdmin } from "../access.js";
import { cutQuestion } from "../answering.js";
import { DownloadError, downloadTelegramFile, formatBytes, TELEGRAM_DOWNLOAD_LIMIT } from "../download.js";
import { joinFormatted, MESSAGE_LIMIT, packMessages, plain } from "../format.js";
import { ADMIN_WORDS, botWords, languageOfUser } from "../i18n.js";
import { LruCache } from "../lru.js";
import { formatReport } from "../../index/format-report.js";
import type { Language } from "../../retrieval/language.js";
import { describeError, progressEditor, sendMessages } from "../send.js";
import type { SourceDocuments } from "../source-documents.js";
import type { BotContext, BotDeps, BotOptions } from "../types.js";

const ADMIN_COMMANDS = ["reload", "remove", "stats", "add", "gaps"] as const;
/** /gaps looks back this many days and lists at most this many questions. */
const GAPS_DAYS = 30;
const GAPS_LIMIT = 20;

/** A message that is nothing but an http(s) link: from an admin in a private chat, it is added like /add. */
const BARE_LINK = /^https?:\/\/\S+$/i;

type ProgressEditor = ReturnType<typeof progressEditor>;

/**
 * Progress of adding `name`, in one throttled message: pages read and recognised (in the admin's language, like
 * "Membaca PDF: halaman 120/300" or "OCR page 3/12"), then passages embedded.
 */
function addingProgress(editor: ProgressEditor, name: string, lang: Language): RefreshCallbacks {
  return {
    onExtract: (_file, progress) => editor.update(plain(`${ADMIN_WORDS.uploadIndexing(name)}\n${botWords(lang).extractProgress(progress)}`)),
    onProgress: (done, total) => editor.update(plain(`${ADMIN_WORDS.uploadIndexing(name)} ${done}/${total}`)),
  };
}

/** Why a refresh failed, in words an operator can act on (full disk, permissions, a concurrent refresh). */
export function refreshFailureReason(error: unknown): string {
  const cause = error instanceof IndexNotUpdatedError ? error.cause : error;
  const detail = describeError(cause).message;
  switch ((cause as NodeJS.ErrnoException | undefined)?.code) {
    case "ENOSPC":
    case "EDQUOT":
      return ADMIN_WORDS.refreshDiskFull(detail);
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return ADMIN_WORDS.refreshNotWritable(detail);
    case "ELOCKED":
      return ADMIN_WORDS.refreshLocked;
    default:
      return detail;
  }
}

/** Text longer than one message: the first part replaces the progress message, the rest follows. */
async function finishProgress(ctx: BotContext, editor: ProgressEditor, text: FormattedString): Promise<void> {
  const [first, ...rest] = packMessages([{ lines: splitLines(text) }], MESSAGE_LIMIT);
  await editor.finish(first ?? text);
  if (rest.length > 0) await sendMessages(ctx, rest);
}

function splitLines(text: FormattedString): FormattedString[] {
  const lines: FormattedString[] = [];
  let start = 0;
  for (;;) {
    const end = text.text.indexOf("\n", start);
    if (end < 0) {
      lines.push(text.slice(start));
      return lines;
    }
    lines.push(text.slice(start, end));
    start = end + 1;
  }
}

/**
 * The outcome of adding an article (an upload or a link) in place of the progress message: the article and the
 * refresh report (then `note`, if any); a bad document or link (ArticleError) with its reason; a file saved but
 * not indexed. Returns the article when it was added and indexed.
 */
async function reportAdded(ctx: BotContext, editor: ProgressEditor, kind: "upload" | "link", name: string, adding: ReturnType<BotDeps["engine"]["addArticle"]>, note?: string): Promise<Article | undefined> {
  const rejected = kind === "upload" ? ADMIN_WORDS.uploadRejected : ADMIN_WORDS.addRejected;
  try {
    const { article, replaced, report } = await adding;
    ctx.log.info({ article: article.id, file: article.file, replaced, from: name }, kind === "upload" ? "article uploaded" : "link added");
    const lines = [FormattedString.bold(ADMIN_WORDS.uploadAdded(article.title, article.id))];
    if (replaced.length > 0) lines.push(plain(ADMIN_WORDS.uploadReplaced(replaced.join(", "))));
    lines.push(plain(formatReport(report)));
    if (note) lines.push(plain(note));
    await finishProgress(ctx, editor, joinFormatted(lines));
    return article;
  } catch (error) {
    if (error instanceof IndexNotUpdatedError) {
      ctx.log.error({ err: describeError(error.cause), file: name }, `${kind} saved but the index refresh failed`);
      await finishProgress(ctx, editor, plain(ADMIN_WORDS.uploadNotIndexed(error.files.join(", "), refreshFailureReason(error))));
      return undefined;
    }
    if (!(error instanceof ArticleError)) {
      ctx.log.error({ err: describeError(error), file: name }, `${kind} failed`);
      await finishProgress(ctx, editor, plain(rejected(describeError(error).message)));
      return undefined;
    }
    await finishProgress(ctx, editor, plain(rejected(error.message)));
    return undefined;
  }
}

/**
 * Admin features (ADMIN_USER_IDS): /reload, /remove, /stats, /gaps, /add <link>, and, in a private chat, article uploads
 * as documents and links sent alone. Everyone else gets a clear refusal, also for admin buttons with crafted
 * callback data. The file id of an uploaded PDF or Word file is kept, so readers get it without a second upload.
 */
export function adminFeature(deps: BotDeps, options: BotOptions, documents: SourceDocuments): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  /** Articles offered for removal by /remove without an argument (ids can exceed callback_data's 64 bytes). */
  const removals = new LruCache<{ articleId: string }>(500, 30 * 60 * 1000);
  const lang = (ctx: BotContext) => languageOfUser(ctx.from?.language_code);
  const replyTo = (ctx: BotContext) => (ctx.chat?.type === "private" || !ctx.msg ? {} : { replyTo: ctx.msg.message_id });
  const onEditError = (ctx: BotContext) => (error: unknown) => ctx.log.warn({ err: describeError(error) }, "progress edit failed");
  const progress = async (ctx: BotContext, text: string) => {
    const [message] = await sendMessages(ctx, [plain(text)], replyTo(ctx));
    return progressEditor(ctx.api, message!.chat.id, message!.message_id, options.progressEditIntervalMs, onEditError(ctx));
  };

  composer.command([...ADMIN_COMMANDS], async (ctx, next) => {
    if (isAdmin(deps, ctx.from?.id)) return next();
    ctx.log.info({ command: ctx.msg.text.split(/\s/)[0], user: ctx.from?.id }, "admin command refused");
    await sendMessages(ctx, [plain(botWords(lang(ctx)).adminOnly)], replyTo(ctx));
  });

  composer.command("reload", async (ctx) => {
    const editor = await progress(ctx, ADMIN_WORDS.reloadStarted);
    try {
      const report = await deps.engine.refresh({ onProgress: (done, total) => editor.update(plain(ADMIN_WORDS.reloadProgress(done, total))) });
      await finishProgress(ctx, editor, joinFormatted([FormattedString.bold(ADMIN_WORDS.reloadDone), plain(formatReport(report))]));
    } catch (error) {
      ctx.log.error({ err: describeError(error) }, "reload failed");
      await finishProgress(ctx, editor, plain(ADMIN_WORDS.reloadFailed(refreshFailureReason(error))));
    }
  });

  const removeArticle = async (ctx: BotContext, what: string) => {
    const editor = await progress(ctx, ADMIN_WORDS.reloadStarted);
    let removed: Awaited<ReturnType<BotDeps["engine"]["removeArticle"]>>;
    try {
      removed = await deps.engine.removeArticle(what);
    } catch (error) {
      ctx.log.error({ err: describeError(error) }, "remove failed");
      const text = error instanceof IndexNotUpdatedError ? ADMIN_WORDS.removeNotIndexed(error.files.join(", "), refreshFailureReason(error)) : ADMIN_WORDS.reloadFailed(refreshFailureReason(error));
      await finishProgress(ctx, editor, plain(text));
      return;
    }
    if (!removed) {
      await editor.finish(plain(ADMIN_WORDS.removeNotFound(what)));
      return;
    }
    ctx.log.info({ files: removed.files }, "article removed");
    await finishProgress(ctx, editor, joinFormatted([FormattedString.bold(ADMIN_WORDS.removeDone(removed.files.join(", "))), plain(formatReport(removed.report))]));
  };

  composer.command("remove", async (ctx) => {
    const what = ctx.match.trim();
    if (what !== "") {
      await removeArticle(ctx, what);
      return;
    }
    const articles = deps.engine.articles();
    if (articles.length === 0) {
      await sendMessages(ctx, [plain(ADMIN_WORDS.removeNone)], replyTo(ctx));
      return;
    }
    const keyboard = new InlineKeyboard();
    for (const article of articles.slice(0, 50)) {
      const label = article.title.length > 50 ? `${cutQuestion(article.title, 49)}…` : article.title;
      keyboard.text(`🗑 ${label}`, `ar:${removals.add({ articleId: article.id })}`).row();
    }
    await sendMessages(ctx, [plain(ADMIN_WORDS.removeUsage)], { ...replyTo(ctx), keyboard });
  });

  composer.callbackQuery(/^ar:/, async (ctx) => {
    if (!isAdmin(deps, ctx.from.id)) {
      ctx.log.warn({ user: ctx.from.id, data: ctx.callbackQuery.data.slice(0, 64) }, "admin button refused");
      await ctx.answerCallbackQuery({ text: botWords(lang(ctx)).adminOnly, show_alert: true });
      return;
    }
    const pending = removals.get(ctx.callbackQuery.data.slice(3));
    if (!pending || !ctx.chat) {
      await ctx.answerCallbackQuery({ text: botWords(lang(ctx)).invalidButton });
      return;
    }
    await ctx.answerCallbackQuery();
    await removeArticle(ctx, pending.articleId);
  });

  composer.command("stats", async (ctx) => {
    // Only shared statistics can fail to load (Redis unreachable); answering goes on meanwhile.
    const summary = await deps.stats.summary(10).catch((error: unknown) => ctx.log.warn({ reason: (error as Error).message }, "statistics unavailable"));
    if (!summary) {
      await sendMessages(ctx, [plain(ADMIN_WORDS.statsUnavailable)], replyTo(ctx));
      return;
    }
    const lines = [
      FormattedString.bold(ADMIN_WORDS.statsTitle),
      plain(ADMIN_WORDS.statsSince(formatDate(summary.since.slice(0, 10), "en"))),
      plain(ADMIN_WORDS.statsDirect(summary.answered - summary.related)),
      plain(ADMIN_WORDS.statsRelated(summary.related)),
      plain(ADMIN_WORDS.statsNotFound(summary.notFound)),
      plain(ADMIN_WORDS.statsFeedback(summary.up, summary.down)),
      plain(""),
      FormattedString.bold(ADMIN_WORDS.statsTop),
      ...(summary.top.length === 0 ? [plain(ADMIN_WORDS.statsNoQuestions)] : summary.top.map((entry, index) => plain(`${index + 1}. ${entry.text} — ×${entry.count}`))),
    ];
    await sendMessages(ctx, packMessages([{ lines }]), replyTo(ctx));
  });

  composer.command("gaps", async (ctx) => {
    const gaps = await deps.gaps.list({ days: GAPS_DAYS, limit: GAPS_LIMIT }).catch((error: unknown) => ctx.log.warn({ reason: (error as Error).message }, "gaps unavailable"));
    if (!gaps) {
      await sendMessages(ctx, [plain(ADMIN_WORDS.gapsUnavailable)], replyTo(ctx));
      return;
    }
    const lines = [
      FormattedString.bold(ADMIN_WORDS.gapsTitle(GAPS_DAYS)),
      ...(gaps.length === 0
        ? [plain(ADMIN_WORDS.gapsNone)]
        : gaps.map((gap, index) => plain(`${index + 1}. ${gap.text} — ×${gap.count}, ${ADMIN_WORDS.gapsKind[gap.kind]}, ${ADMIN_WORDS.gapsLast(formatDate(gap.lastAt.slice(0, 10), "en"))}`))),
    ];
    await sendMessages(ctx, packMessages([{ lines }]), replyTo(ctx));
  });

  // Uploads: private chats only; in groups documents are ordinary chatter.
  composer.chatType("private").on("message:document", async (ctx) => {
    if (!isAdmin(deps, ctx.from.id)) {
      await sendMessages(ctx, [plain(botWords(lang(ctx)).uploadAdminOnly)]);
      return;
    }
    const document = ctx.msg.document;
    const name = document.file_name?.trim() ?? "";
    if (name === "") {
      await sendMessages(ctx, [plain(ADMIN_WORDS.uploadNoName)]);
      return;
    }
    try {
      // Unsupported types are refused before anything is downloaded; the engine sanitises the name again.
      safeArticleFileName(name);
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error;
      await sendMessages(ctx, [plain(ADMIN_WORDS.uploadRejected(error.message))]);
      return;
    }
    const maxBytes = Math.min(deps.settings.telegram.maxUploadBytes, TELEGRAM_DOWNLOAD_LIMIT);
    if (document.file_size !== undefined && document.file_size > maxBytes) {
      await sendMessages(ctx, [plain(ADMIN_WORDS.uploadRejected(ADMIN_WORDS.uploadTooBig(name, formatBytes(document.file_size), formatBytes(maxBytes))))]);
      return;
    }
    const editor = await progress(ctx, ADMIN_WORDS.uploadReceiving(name));
    let bytes: Buffer;
    try {
      bytes = deps.download
        ? await deps.download(document.file_id, maxBytes)
        : await downloadTelegramFile(ctx.api, { token: deps.settings.telegram.token ?? "", apiRoot: deps.settings.telegram.apiRoot }, document.file_id, maxBytes);
    } catch (error) {
      ctx.log.warn({ err: describeError(error), file: name }, "upload download failed");
      const reason = error instanceof DownloadError ? error.message : describeError(error).message;
      await editor.finish(plain(ADMIN_WORDS.uploadDownloadFailed(reason)));
      return;
    }
    editor.update(plain(ADMIN_WORDS.uploadIndexing(name)));
    const article = await reportAdded(ctx, editor, "upload", name, deps.engine.addArticle(name, bytes, addingProgress(editor, name, lang(ctx))));
    if (article) await documents.remember(article, document.file_id);
  });

  const addLink = async (ctx: BotContext, url: string, note?: string) => {
    const editor = await progress(ctx, ADMIN_WORDS.addFetching(url));
    await reportAdded(ctx, editor, "link", url, deps.engine.addUrl(url, addingProgress(editor, url, lang(ctx))), note);
  };

  composer.command("add", async (ctx) => {
    const url = ctx.match.trim();
    if (url === "") {
      await sendMessages(ctx, [plain(ADMIN_WORDS.addUsage)], replyTo(ctx));
      return;
    }
    await addLink(ctx, url);
  });

  // A link alone has nothing to search for, so from an admin it means "add this"; everyone else's goes on as a question.
  composer.chatType("private").on("message:text", async (ctx, next) => {
    const text = ctx.msg.text.trim();
    if (!BARE_LINK.test(text) || !isAdmin(deps, ctx.from.id)) return next();
    await addLink(ctx, text, ADMIN_WORDS.linkAloneNote);
  });

  return composer;
}
