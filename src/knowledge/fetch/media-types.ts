import { formatForMediaType, SUPPORTED_MEDIA_TYPES } from "../formats/index.js";

export { SUPPORTED_MEDIA_TYPES };

/** The knowledge-folder extension a fetched document of this media type is saved under (the formats decide). */
export function extensionForMediaType(mediaType: string): string | undefined {
  return formatForMediaType(mediaType)?.extensions[0];
}

/** `text/html; charset=ISO-8859-1` → { mediaType: "text/html", charset: "iso-8859-1" }. */
export function parseContentType(header: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = "", ...parameters] = (header ?? "").split(";");
  const charset = parameters
    .map((parameter) => parameter.trim().match(/^charset\s*=\s*"?([^";\s]+)"?$/i)?.[1])
    .find((value) => value !== undefined);
  return { mediaType: type.trim().toLowerCase(), charset: charset?.toLowerCase() };
}

/** Servers often label documents as generic binary; the bytes then say what they are. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  if (head.startsWith("%PDF-")) return "application/pdf";
  if (/^\s*(<!doctype html|<html)/i.test(head)) return "text/html";
  return undefined;
}

const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i;

/**
 * Text bodies re-encoded as UTF-8 (the knowledge folder's encoding); binary formats are returned as they are.
 * The charset comes from the Content-Type header, else from an HTML page's own <meta charset>.
 */
export function toUtf8(bytes: Buffer, mediaType: string, headerCharset: string | undefined): Buffer {
  if (!mediaType.startsWith("text/") && mediaType !== "application/xhtml+xml") return bytes;
  const declared = headerCharset ?? (mediaType.includes("html") ? Buffer.from(bytes.subarray(0, 2048)).toString("latin1").match(META_CHARSET)?.[1]?.toLowerCase() : undefined);
  if (!declared || declared === "utf-8" || declared === "utf8" || declared === "us-ascii") return bytes;
  let text: string;
  try {
    text = new TextDecoder(declared).decode(bytes);
  } catch {
    return bytes; // an unknown label: keep the bytes; the article parser says clearly if they are not UTF-8
  }
  return Buffer.from(text, "utf8");
}
