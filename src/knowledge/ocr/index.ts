import { PageRenderer } from "./page-renderer.js";
import { OCR_WORKERS, pageTextFromTsv, stopTesseract, withTesseract } from "./recognizer.js";

/** Recognises the given pages (1-based) of a PDF; page number → text, paragraphs separated by blank lines. */
export type PageRecognizer = (pdf: Uint8Array, pageNumbers: number[], onProgress?: (done: number, total: number) => void) => Promise<Map<number, string>>;

/**
 * Offline OCR of scanned PDF pages in Indonesian and English. Pages are rendered at 300 dpi in a worker thread
 * and read by tesseract workers (one page each at a time, OCR_WORKERS at once): each asks for its next page's
 * image when it starts reading, so rendering overlaps recognition and the main thread only passes images along.
 */
export const recognizePdfPages: PageRecognizer = async (pdf, pageNumbers, onProgress) => {
  const texts = new Map<number, string>();
  if (pageNumbers.length === 0) return texts;
  const renderer = PageRenderer.open(pdf);
  const images = new Map<number, Promise<Buffer>>();
  const image = (index: number): Promise<Buffer> | undefined => {
    const page = pageNumbers[index];
    if (page === undefined) return undefined;
    let rendering = images.get(index);
    if (!rendering) {
      rendering = renderer.render(page);
      rendering.catch(() => {}); // awaited by the reader that takes this page; a failure is reported there
      images.set(index, rendering);
    }
    return rendering;
  };
  // The first pages render while tesseract starts (a few seconds when its workers are not running yet).
  for (let i = 0; i < OCR_WORKERS; i++) image(i);
  let nextIndex = 0;
  let done = 0;
  try {
    await withTesseract((tesseracts) =>
      Promise.all(
        tesseracts.map(async (tesseract) => {
          for (let index = nextIndex++; index < pageNumbers.length; index = nextIndex++) {
            const png = await image(index)!;
            images.delete(index);
            image(index + tesseracts.length); // this reader's next page renders while it reads this one
            const { data } = await tesseract.recognize(png, {}, { text: false, tsv: true });
            texts.set(pageNumbers[index]!, pageTextFromTsv(data.tsv ?? ""));
            onProgress?.(++done, pageNumbers.length);
          }
        }),
      ),
    );
  } finally {
    await renderer.close();
  }
  return texts;
};

/** Terminates the OCR workers (tests, process exit); the next recognition starts them again. */
export function shutdownOcr(): Promise<void> {
  return stopTesseract();
}
