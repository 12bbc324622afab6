import { badRequest, fakeLimitation } from "../errors.js";
import type { UploadedFile } from "../params.js";
import { documentOf, type StoredFile } from "../state.js";
import {
  formatFromParams,
  markupFromParams,
  replyTarget,
  targetChat,
  threadIdFor,
  type MethodContext,
  type MethodHandler,
} from "./context.js";
import { storeBotMessage } from "./outgoing.js";

/** Bots may download files up to this size via getFile. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const MIME_TYPES: Record<string, string> = {
  pdf: "application/pdf", txt: "text/plain", md: "text/markdown", csv: "text/csv", json: "application/json",
  html: "text/html", htm: "text/html", xml: "application/xml", zip: "application/zip", doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
  mp3: "audio/mpeg", ogg: "audio/ogg", mp4: "video/mp4",
};

/**
 * grammY labels every upload application/octet-stream; Telegram derives the
 * document's mime_type from the file name instead, so the fake does too.
 */
export function guessMimeType(fileName: string | undefined, declared?: string): string | undefined {
  if (declared !== undefined && declared !== "" && declared !== "application/octet-stream") return declared;
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName ?? "")?.[1]?.toLowerCase();
  return (ext === undefined ? undefined : MIME_TYPES[ext]) ?? declared;
}

/**
 * Resolves an InputFile parameter: a multipart part (directly under the
 * parameter name, or referenced as attach://name), an existing file_id, or a
 * URL (which the fake cannot fetch).
 */
function inputFile(ctx: MethodContext, param: string): StoredFile {
  const direct = ctx.params.files.get(param);
  if (direct !== undefined) return storeUpload(ctx, direct);
  const value = ctx.params.string(param);
  if (value === undefined || value === "") throw badRequest(`there is no ${param} in the request`);
  const attach = /^attach:\/\/(.+)$/.exec(value);
  if (attach !== null) {
    const part = ctx.params.files.get(attach[1]!);
    if (part === undefined) throw badRequest(`can't find attached file "${attach[1]}"`);
    return storeUpload(ctx, part);
  }
  const known = ctx.state.files.get(value);
  if (known !== undefined) return known;
  if (/^https?:\/\//i.test(value)) throw fakeLimitation("sending files by URL is not modelled (nothing to download)");
  throw badRequest("wrong file identifier/HTTP URL specified");
}

function storeUpload(ctx: MethodContext, part: UploadedFile): StoredFile {
  if (part.data.length === 0) throw badRequest("file must be non-empty");
  const mimeType = guessMimeType(part.filename, part.mimeType);
  return ctx.state.addFile({
    data: part.data,
    fileName: part.filename,
    ...(mimeType === undefined ? {} : { mimeType }),
    uploadedBy: "bot",
  });
}

const sendDocument: MethodHandler = (ctx) => {
  const chat = targetChat(ctx);
  const file = inputFile(ctx, "document");
  const formatted = formatFromParams(ctx, {
    text: "caption",
    parseMode: "parse_mode",
    entities: "caption_entities",
    kind: "caption",
  });
  const markup = markupFromParams(ctx);
  const reply = replyTarget(ctx, chat);
  return storeBotMessage(ctx, chat, {
    formatted,
    markup,
    reply,
    threadId: threadIdFor(ctx, reply),
    document: documentOf(file),
  }).message;
};

const getFile: MethodHandler = (ctx) => {
  const fileId = ctx.params.string("file_id") ?? "";
  const file = ctx.state.files.get(fileId);
  if (file === undefined) throw badRequest("invalid file_id");
  if (file.size > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.size, file_path: file.filePath };
};

export const fileMethods: Record<string, MethodHandler> = { sendDocument, getFile };
