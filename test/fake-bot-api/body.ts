import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import { badRequest, TelegramError } from "./errors.js";
import type { UploadedFile } from "./params.js";

export interface ParsedBody {
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

/** Telegram's upload limit for bots (multipart), with room for the other fields. */
const MAX_BODY_BYTES = 50 * 1024 * 1024 + 1024 * 1024;

/**
 * Reads query string plus a JSON, urlencoded or multipart body into one
 * parameter map, as the Bot API does (body wins over query on conflicts).
 */
export async function readBody(req: IncomingMessage, url: URL): Promise<ParsedBody> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const body = await readAll(req);
  if (body.length === 0) return { params, files };

  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON encoded request");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw badRequest("JSON object expected as request body");
    }
    Object.assign(params, parsed);
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
  } else if (type.startsWith("multipart/form-data")) {
    await parseMultipart(req, body, params, files);
  }
  return { params, files };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new TelegramError(413, "Request Entity Too Large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function parseMultipart(
  req: IncomingMessage,
  body: Buffer,
  params: Record<string, unknown>,
  files: Map<string, UploadedFile>,
): Promise<void> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers["content-type"] ?? "");
  const boundaryValue = boundary?.[1] ?? boundary?.[2];
  if (boundaryValue === undefined) return Promise.reject(badRequest("multipart boundary is missing"));

  return new Promise((resolve, reject) => {
    const parser = busboy({
      headers: req.headers,
      defParamCharset: "utf8",
      limits: { fieldSize: 16 * 1024 * 1024, fileSize: MAX_BODY_BYTES },
    });
    parser.on("field", (name, value) => {
      params[name] = value;
    });
    parser.on("file", (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (d: Buffer) => chunks.push(d));
      stream.on("end", () => {
        files.set(field, {
          field,
          filename: info.filename ?? field,
          mimeType: info.mimeType,
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on("close", () => resolve());
    parser.on("error", (err: unknown) => reject(badRequest(`can't parse multipart body: ${String(err)}`)));
    parser.end(repairDispositions(body, boundaryValue));
  });
}

/**
 * grammY writes `content-disposition:form-data;name="x";filename=my file.pdf`
 * with the filename unquoted. Telegram accepts that, but busboy silently drops
 * any part whose disposition it cannot parse (a space is enough), so the
 * upload would vanish. Rewrite such headers into RFC 5987 form first.
 */
export function repairDispositions(body: Buffer, boundary: string): Buffer {
  const delimiter = Buffer.from(`--${boundary}`);
  const chunks: Buffer[] = [];
  let cursor = 0;
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const afterDelimiter = pos + delimiter.length;
    if (body[afterDelimiter] === 0x2d && body[afterDelimiter + 1] === 0x2d) break;
    const headersStart = afterDelimiter + 2;
    const headersEnd = body.indexOf("\r\n\r\n", headersStart);
    if (headersEnd === -1) break;
    const headers = body.subarray(headersStart, headersEnd).toString("utf8").split("\r\n").map(repairLine).join("\r\n");
    chunks.push(body.subarray(cursor, headersStart), Buffer.from(headers, "utf8"));
    cursor = headersEnd;
    pos = body.indexOf(delimiter, headersEnd + 4);
  }
  chunks.push(body.subarray(cursor));
  return Buffer.concat(chunks);
}

function repairLine(line: string): string {
  if (!/^content-disposition\s*:/i.test(line)) return line;
  const unquotedFilename = /;\s*filename=(?!")(.*)$/i.exec(line);
  if (unquotedFilename === null) return line;
  const name = /;\s*name="([^"]*)"/i.exec(line)?.[1] ?? /;\s*name=([^;\s]*)/i.exec(line)?.[1] ?? "";
  const filename = unquotedFilename[1]!.trim();
  return `Content-Disposition: form-data; name="${name}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
