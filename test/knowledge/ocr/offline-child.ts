// Run by offline.test.ts in a child process whose network is cut (test/helpers/no-network.cjs): a scan is
// recognised from the packaged language data alone. Prints the recognised pages as JSON.
import { recognizePdfPages, shutdownOcr } from "../../../src/knowledge/ocr/index.js";
import { scannedPdf } from "../../helpers/scanned-pdf.js";

const pages = JSON.parse(process.argv[2]!) as string[][];
const texts = await recognizePdfPages(await scannedPdf(pages), pages.map((_, i) => i + 1));
await shutdownOcr();
// The guard must be live here too, or the run above proves nothing.
const guarded = await Promise.resolve()
  .then(() => fetch("http://127.0.0.1:9/"))
  .then(
  () => false,
  (error: Error) => error.message.includes("network access attempted"),
);
process.stdout.write(`${JSON.stringify({ texts: Object.fromEntries(texts), guarded })}\n`);
