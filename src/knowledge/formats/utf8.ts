import { ArticleError } from "../article-error.js";

/** Text articles larger than this are refused (the cleaner and sentence splitter work on the whole text). */
export const MAX_TEXT_BYTES = 10 * 1024 * 1024;

/** Decodes a text article, refusing binaries and other encodings with a message an admin can act on. */
export function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  if (bytes.length === 0) throw new ArticleError(`${fileName} is empty.`);
  if (bytes.length > MAX_TEXT_BYTES) throw new ArticleError(`${fileName} is ${(bytes.length / 1048576).toFixed(1)} MB; text articles may be at most ${MAX_TEXT_BYTES / 1048576} MB.`);
  if (bytes.includes(0)) throw new ArticleError(`${fileName} looks like a binary file, not text. Send a .txt, .md or .html article.`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ArticleError(`${fileName} is not UTF-8 text. Save it as UTF-8 and send it again.`);
  }
  // Control characters are what this check looks for: text files almost never contain them, binaries do.
  // eslint-disable-next-line no-control-regex
  const controls = text.match(/[\u0001-\u0008\u000E-\u001F]/g)?.length ?? 0;
  if (controls > text.length / 100) throw new ArticleError(`${fileName} looks like a binary file, not text.`);
  return text.replace(/^\uFEFF/, "");
}

/** True when the first bytes look like text (no NUL byte), the cheap check formats sniff with. */
export function looksLikeText(bytes: Uint8Array): boolean {
  return !bytes.subarray(0, 8192).includes(0);
}
