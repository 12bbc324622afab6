import { PageRenderer } from "./page-renderer.js";
import { pageTextFromTsv, stopTesseract, withTesseract } from "./recognizer.js";

/** Recognises the given pages (1-based) of a PDF; page number → text, paragraphs separated by blank lines. */
export type PageRecognizer = (pdf: Uint8Array, pageNumbers: number[], onProgress?: (done: number, total: number) => void) => Promise<Map<number, string>>;

/**
 * Offline OCR of scanned PDF pages in Indonesian and English. Pages are rendered at 300 dpi in a worker thread
 * and read by tesseract in another, one page ahead, so rendering page n+1 overlaps recognising page n and the
 * main thread only passes images along.
 */
export const recognizePdfPages: PageRecognizer = async (pdf, pageNumbers, onProgress) => {
  const texts = new Map<number, string>();
  if (pageNumbers.length === 0) return texts;
  const renderer = PageRenderer.open(pdf);
  // The first page renders while tesseract starts (a few seconds when its worker is not running yet).
  let next = renderer.render(pageNumbers[0]!);
  next.catch(() => {}); // awaited below; a failure is reported there
  try {
    await withTesseract(async (tesseract) => {
      for (const [i, page] of pageNumbers.entries()) {
        const image = await next;
        const following = pageNumbers[i + 1];
        if (following !== undefined) {
          next = renderer.render(following);
          next.catch(() => {}); // awaited on the next turn; a failure there is reported then
        }
        const { data } = await tesseract.recognize(image, {}, { text: false, tsv: true });
        texts.set(page, pageTextFromTsv(data.tsv ?? ""));
        onProgress?.(i + 1, pageNumbers.length);
      }
    });
  } finally {
    await renderer.close();
  }
  return texts;
};

/** Terminates the OCR workers (tests, process exit); the next recognition starts them again. */
export function shutdownOcr(): Promise<void> {
  return stopTesseract();
}
