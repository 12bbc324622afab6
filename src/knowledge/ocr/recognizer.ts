import path from "node:path";
import { createWorker, OEM, PSM, type Page, type Worker as TesseractWorker } from "tesseract.js";
import { loadSettings } from "../../config/settings.js";
import { OCR_LANGUAGES, prepareLanguageFolder } from "./language-data.js";

/** A tesseract worker left unused this long is terminated (it holds ~100 MB); the next scan starts a new one. */
const IDLE_MS = 60_000;

let worker: Promise<TesseractWorker> | undefined;
let busy = 0;
let idleTimer: NodeJS.Timeout | undefined;

async function startWorker(): Promise<TesseractWorker> {
  const langPath = await prepareLanguageFolder(path.join(loadSettings().modelsDir, "tesseract"));
  // langPath + cacheMethod "none": the packaged models are read from disk and nothing is fetched or cached
  // elsewhere (without langPath tesseract.js downloads them from a CDN). LSTM-only matches the best_int models.
  const created = await createWorker([...OCR_LANGUAGES], OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
  // Automatic page segmentation finds the paragraphs and columns of a page (tesseract.js defaults to one block).
  await created.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: "300" });
  return created;
}

/** Runs `work` on the shared tesseract worker (created on first use, terminated after IDLE_MS unused). */
export async function withTesseract<T>(work: (tesseract: TesseractWorker) => Promise<T>): Promise<T> {
  clearTimeout(idleTimer);
  busy++;
  try {
    worker ??= startWorker();
    worker.catch(() => (worker = undefined)); // a failed start is retried by the next call
    return await work(await worker);
  } finally {
    busy--;
    if (busy === 0) {
      idleTimer = setTimeout(() => void stopTesseract(), IDLE_MS);
      idleTimer.unref();
    }
  }
}

/** Terminates the tesseract worker, if any (tests, process exit, idle). */
export async function stopTesseract(): Promise<void> {
  clearTimeout(idleTimer);
  const running = worker;
  worker = undefined;
  if (running) await (await running.catch(() => undefined))?.terminate();
}

/**
 * A recognised page as text: lines of a paragraph on their own lines, paragraphs separated by a blank line.
 * Tesseract sometimes starts a new paragraph in the middle of a sentence (a wider gap between lines); a
 * "paragraph" that begins in lower case after one that ends without closing punctuation continues it, so
 * the sentence can still be quoted whole.
 */
export function pageText(page: Page): string {
  const paragraphs = (page.blocks ?? [])
    .flatMap((block) => block.paragraphs)
    .map((paragraph) =>
      paragraph.lines
        .map((line) => line.text.replace(/\s+/g, " ").trim())
        .filter((line) => line !== "")
        .join("\n"),
    )
    .filter((paragraph) => /[\p{L}\p{N}]/u.test(paragraph));
  const merged: string[] = [];
  for (const paragraph of paragraphs) {
    const previous = merged.at(-1);
    if (previous !== undefined && !/[.:;?!)"”]$/.test(previous) && /^\p{Ll}/u.test(paragraph)) merged[merged.length - 1] = `${previous}\n${paragraph}`;
    else merged.push(paragraph);
  }
  return merged.join("\n\n");
}
