import type { Api } from "grammy";

/** Bots may download files of at most 20 MB through getFile (Bot API limit). */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export const DEFAULT_API_ROOT = "https://api.telegram.org";

/** A download refused or failed for a reason the admin can understand (no URL in it: it holds the token). */
export class DownloadError extends Error {}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * getFile, then the file from `${apiRoot}/file/bot${token}/${file_path}`, reading at most `maxBytes`: the
 * declared size is checked first and the body is counted while it streams, so a lying size cannot make the bot
 * buffer more than the limit.
 */
export async function downloadTelegramFile(api: Api, telegram: { token: string; apiRoot: string | undefined }, fileId: string, maxBytes: number, timeoutMs = 60_000): Promise<Buffer> {
  const file = await api.getFile(fileId);
  if (file.file_size !== undefined && file.file_size > maxBytes) throw new DownloadError(`the file is ${formatBytes(file.file_size)}; the limit is ${formatBytes(maxBytes)}`);
  if (!file.file_path) throw new DownloadError("Telegram did not return a file path");
  const url = `${telegram.apiRoot ?? DEFAULT_API_ROOT}/file/bot${telegram.token}/${file.file_path.split("/").map(encodeURIComponent).join("/")}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DownloadError(`network error (${(error as Error).name})`);
  }
  if (!response.ok || !response.body) throw new DownloadError(`HTTP ${response.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new DownloadError(`the file is larger than the limit of ${formatBytes(maxBytes)}`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
