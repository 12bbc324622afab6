import { badRequest } from "./errors.js";

/** A file part of a multipart request. */
export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

/**
 * Typed access to request parameters. The Bot API accepts the same parameter
 * as a JSON value, or as a string in query/urlencoded/multipart bodies (where
 * objects arrive JSON-serialised), so every getter accepts both.
 */
export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const v = this.raw[name];
    return v !== undefined && v !== null && v !== "";
  }

  string(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return JSON.stringify(v);
  }

  /** Telegram reads unparsable integers as 0, which then fails the lookup that follows. */
  int(name: string): number | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === "") return undefined;
    const n = typeof v === "number" ? v : Number(String(v).trim());
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    return ["true", "1", "yes", "on"].includes(String(v).trim().toLowerCase());
  }

  /** A "JSON-serialized" parameter: already an object in JSON bodies, a string elsewhere. */
  json(name: string, parseErrorReason: string): unknown {
    const v = this.raw[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw badRequest(parseErrorReason);
    }
  }

  /** chat_id: an integer id or "@channelusername". */
  chatId(name = "chat_id"): number | string {
    const v = this.raw[name];
    if (v === undefined || v === null || v === "") throw badRequest(`${name} is empty`);
    if (typeof v === "number") return Math.trunc(v);
    const s = String(v).trim();
    if (/^-?\d+$/.test(s)) return Number(s);
    return s;
  }
}
