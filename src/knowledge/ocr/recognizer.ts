import path from "node:path";
import { createWorker, OEM, PSM, type Worker as TesseractWorker } from "tesseract.js";
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
    if (!worker) {
      const starting = startWorker();
      worker = starting;
      starting.catch(() => {
        if (worker === starting) worker = undefined; // a failed start is retried by the next call
      });
    }
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
