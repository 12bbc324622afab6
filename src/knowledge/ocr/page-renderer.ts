import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const require = createRequire(import.meta.url);

/** 300 dpi is what tesseract is trained for; smaller glyphs lose accuracy, larger ones only cost time. */
export const OCR_DPI = 300;
/** Oversized pages (posters, A0 plans) are scaled down to this many pixels rather than exhausting memory. */
const MAX_PAGE_PIXELS = 12_000_000;

// Plain JavaScript on purpose (as in util/sha256.ts): evaluated in a worker, it needs no TypeScript loader in
// any environment. pdf.js parses and rasterises on the thread that calls it, so it runs here, not on the
// main thread that answers questions. Requests are handled one at a time, in order.
const RENDER_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { getDocumentProxy, renderPageAsImage } = require(workerData.unpdf);
const canvasImport = async () => require(workerData.canvas);
const opened = getDocumentProxy(new Uint8Array(workerData.pdf));
let queue = Promise.resolve();
parentPort.on("message", ({ page }) => {
  queue = queue.then(async () => {
    try {
      const pdf = await opened;
      if (!Number.isInteger(page) || page < 1 || page > pdf.numPages) throw new Error("page " + page + " is not in the document (1-" + pdf.numPages + ")");
      const size = (await pdf.getPage(page)).getViewport({ scale: 1 });
      const scale = Math.min(workerData.dpi / 72, Math.sqrt(workerData.maxPixels / (size.width * size.height)));
      const png = await renderPageAsImage(pdf, page, { canvasImport, scale });
      parentPort.postMessage({ page, png }, [png]);
    } catch (error) {
      parentPort.postMessage({ page, error: String(error && error.message || error) });
    }
  });
});
`;

interface RenderReply {
  page: number;
  png?: ArrayBuffer;
  error?: string;
}

/** Renders pages of one PDF to PNG images in a worker thread. */
export class PageRenderer {
  private readonly waiting = new Map<number, Array<{ resolve: (png: Buffer) => void; reject: (error: Error) => void }>>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: RenderReply) => {
      const waiter = this.waiting.get(reply.page)?.shift();
      if (!waiter) return;
      if (reply.png) waiter.resolve(Buffer.from(reply.png));
      else waiter.reject(new Error(`Could not render page ${reply.page} for OCR: ${reply.error}`));
    });
    const failAll = (error: Error) => {
      this.failure ??= error;
      for (const waiters of this.waiting.values()) for (const waiter of waiters) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`the page renderer stopped (exit code ${code})`)));
  }

  static open(pdf: Uint8Array): PageRenderer {
    // One copy, handed over (not cloned again): the caller keeps its bytes, the worker owns and frees its own.
    // new Uint8Array(…) copies; a Buffer's slice() would be a view, and handing over its buffer would detach the
    // caller's bytes (an upload then could not be saved after OCR) or even Node's shared Buffer pool.
    const bytes = new Uint8Array(pdf);
    const worker = new Worker(RENDER_WORKER, {
      eval: true,
      workerData: { pdf: bytes, unpdf: require.resolve("unpdf"), canvas: require.resolve("@napi-rs/canvas"), dpi: OCR_DPI, maxPixels: MAX_PAGE_PIXELS },
      transferList: [bytes.buffer],
    });
    return new PageRenderer(worker);
  }

  /** The page (1-based) as a PNG at OCR resolution. */
  render(page: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(page) ?? [];
      waiters.push({ resolve, reject });
      this.waiting.set(page, waiters);
      this.worker.postMessage({ page });
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
