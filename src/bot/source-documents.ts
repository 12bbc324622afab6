import fs from "node:fs/promises";
import path from "node:path";
import { GrammyError, InputFile, type Api } from "grammy";
import type { Answer } from "../answer/answer.js";
import type { Logger } from "../config/logger.js";
import type { Article } from "../knowledge/article.js";
import { documentKey, type DocumentFileIds } from "./state/document-file-ids.js";
import type { BotEngine } from "./types.js";

/**
 * Documents a reader may want to check in full: uploaded PDFs and Word files. A page fetched from a link has its
 * URL in the citation (opening at the quote) instead, and plain-text or web-page articles hold no more than
 * what "Full passage" shows.
 */
const SOURCE_DOCUMENT_EXTENSIONS: ReadonlySet<string> = new Set([".pdf", ".docx"]);

/** Telegram accepts uploads from bots up to 50 MB. */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024;

/** Telegram's limit for a document caption. */
const CAPTION_LIMIT = 1024;

export function isSourceDocument(article: Pick<Article, "file" | "url">): boolean {
  return article.url === null && SOURCE_DOCUMENT_EXTENSIONS.has(path.extname(article.file).toLowerCase());
}

/** The answer's citations whose article is a source document, in citation order. */
export function citedDocuments(answer: Answer, engine: Pick<BotEngine, "article">): number[] {
  return answer.citations.flatMap((citation) => {
    const article = engine.article(citation.articleId);
    return article && isSourceDocument(article) ? [citation.number] : [];
  });
}

export type SendOutcome = "sent" | "missing" | "too-big";

export interface SendTarget {
  chatId: number;
  /** The answer the document belongs to. */
  replyTo?: number;
  threadId?: number;
  caption: string;
}

/**
 * Sends source documents to chats: by the Telegram file id when the bot has one (the admin's upload, or an
 * earlier send), otherwise uploaded from the knowledge folder once, remembering the file id Telegram returns.
 * Sends of one document run one after another, so two readers pressing at once cause one upload, not two.
 */
export class SourceDocuments {
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly fileIds: DocumentFileIds,
    private readonly engine: Pick<BotEngine, "articlePath">,
    private readonly logger: Logger,
  ) {}

  /** An admin's upload became `article`: its file id is reused when a reader asks for the document. */
  async remember(article: Pick<Article, "file" | "url" | "contentHash">, fileId: string): Promise<void> {
    if (isSourceDocument(article)) await this.fileIds.set(documentKey(article), fileId);
  }

  send(api: Api, article: Pick<Article, "file" | "contentHash">, target: SendTarget): Promise<SendOutcome> {
    const key = documentKey(article);
    const run = (this.pending.get(key) ?? Promise.resolve()).then(() => this.sendNow(api, key, article, target));
    const settled = run.catch(() => {});
    this.pending.set(key, settled);
    void settled.then(() => {
      if (this.pending.get(key) === settled) this.pending.delete(key);
    });
    return run;
  }

  private async sendNow(api: Api, key: string, article: Pick<Article, "file" | "contentHash">, target: SendTarget): Promise<SendOutcome> {
    const other = {
      caption: target.caption.slice(0, CAPTION_LIMIT),
      ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
      ...(target.replyTo !== undefined ? { reply_parameters: { message_id: target.replyTo, allow_sending_without_reply: true } } : {}),
    };
    const known = await this.fileIds.get(key);
    if (known) {
      try {
        await api.sendDocument(target.chatId, known, other);
        return "sent";
      } catch (error) {
        // A file id Telegram no longer accepts (another bot token, a deleted file): upload the file again.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
        this.logger.warn({ file: article.file, reason: error.description }, "stored file id refused; uploading the document again");
        await this.fileIds.delete(key);
      }
    }
    const file = await this.engine.articlePath(article);
    if (!file) return "missing";
    if ((await fs.stat(file)).size > TELEGRAM_UPLOAD_LIMIT) return "too-big";
    const sent = await api.sendDocument(target.chatId, new InputFile(file, path.basename(article.file)), other);
    if (sent.document) await this.fileIds.set(key, sent.document.file_id);
    this.logger.info({ file: article.file }, "source document uploaded");
    return "sent";
  }
}
