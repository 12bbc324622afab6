import os from "node:os";
import path from "node:path";
import { createWorker, OEM, PSM, type Worker as TesseractWorker } from "tesseract.js";
import { loadSettings } from "../../config/settings.js";
import { OCR_LANGUAGES, prepareLanguageFolder } from "./language-data.js";

/** Tesseract workers left unused this long are terminated (each holds ~100 MB); the next scan starts new ones. */
const IDLE_MS = 60_000;
/**
 * Pages recognised at once. Tesseract reads a page on one core (~3.4 s of CPU at 300 dpi), so on two cores two
 * workers halve the time per page of a scan; the main thread only passes images along and keeps answering.
 */
export const OCR_WORKERS = Math.max(1, Math.min(2, os.availableParallelism()));

let workers: Promise<TesseractWorker[]> | undefined;
let busy = 0;
let idleTimer: NodeJS.Timeout | undefined;

async function startWorker(langPath: string): Promise<TesseractWorker> {
  // langPath + cacheMethod "none": the packaged models are read from disk and nothing is fetched or cached
  // elsewhere (without langPath tesseract.js downloads them from a CDN). LSTM-only matches the best_int models.
  const created = await createWorker([...OCR_LANGUAGES], OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
  // Automatic page segmentation finds the paragraphs and columns of a page (tesseract.js defaults to one block).
  await created.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: "300" });
  return created;
}

async function startWorkers(): Promise<TesseractWorker[]> {
  // Once, before the workers start: they would otherwise copy the same language files side by side.
  const langPath = await prepareLanguageFolder(path.join(loadSettings().modelsDir, "tesseract"));
  const started = await Promise.allSettled(Array.from({ length: OCR_WORKERS }, () => startWorker(langPath)));
  const failed = started.find((result) => result.status === "rejected");
  const running = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  if (failed) {
    await Promise.all(running.map((worker) => worker.terminate()));
    throw failed.reason;
  }
  return running;
}

/** Runs `work` on the shared tesseract workers (created on first use, terminated after IDLE_MS unused). */
export async function withTesseract<T>(work: (tesseract: TesseractWorker[]) => Promise<T>): Promise<T> {
  clearTimeout(idleTimer);
  busy++;
  try {
    if (!workers) {
      const starting = startWorkers();
      workers = starting;
      starting.catch(() => {
        if (workers === starting) workers = undefined; // a failed start is retried by the next call
      });
    }
    return await work(await workers);
  } finally {
    busy--;
    if (busy === 0) {
      idleTimer = setTimeout(() => void stopTesseract(), IDLE_MS);
      idleTimer.unref();
    }
  }
}

/** Terminates the tesseract workers, if any (tests, process exit, idle). */
export async function stopTesseract(): Promise<void> {
  clearTimeout(idleTimer);
  const running = workers;
  workers = undefined;
  if (running) await Promise.all(((await running.catch(() => undefined)) ?? []).map((worker) => worker.terminate()));
}

/**
 * A recognised page as text, from tesseract's TSV output (one row per word with its block, paragraph and line
 * numbers; a string crosses from the worker far more cheaply than the object tree of `blocks`): the lines of a
 * paragraph on their own lines, paragraphs separated by a blank line.
 * Tesseract sometimes starts a new paragraph in the middle of a sentence (a wider gap between lines); a
 * "paragraph" that begins in lower case after one that ends without closing punctuation continues it, so the
 * sentence can still be quoted whole.
 */
export function pageTextFromTsv(tsv: string): string {
  const paragraphs: string[][] = [];
  let paragraphKey = "";
  let lineKey = "";
  for (const row of tsv.split("\n")) {
    // level, page_num, block_num, par_num, line_num, word_num, left, top, width, height, conf, text
    const columns = row.split("\t");
    const word = columns[11]?.trim();
    if (columns[0] !== "5" || !word) continue;
    const [block, paragraph, line] = [columns[2], columns[3], columns[4]];
    if (`${block}.${paragraph}` !== paragraphKey) {
      paragraphKey = `${block}.${paragraph}`;
      paragraphs.push([]);
      lineKey = "";
    }
    const lines = paragraphs.at(-1)!;
    if (line !== lineKey) {
      lineKey = line!;
      lines.push(word);
    } else lines[lines.length - 1] += ` ${word}`;
  }
  const merged: string[] = [];
  for (const paragraph of paragraphs.map((lines) => lines.join("\n")).filter((text) => /[\p{L}\p{N}]/u.test(text))) {
    const previous = merged.at(-1);
    if (previous !== undefined && !/[.:;?!)"”]$/.test(previous) && /^\p{Ll}/u.test(paragraph)) merged[merged.length - 1] = `${previous}\n${paragraph}`;
    else merged.push(paragraph);
  }
  return merged.join("\n\n");
}
