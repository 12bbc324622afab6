import { createCanvas } from "@napi-rs/canvas";
import { PDFDocument } from "pdf-lib";

const A4_POINTS = [595.28, 841.89] as const;
/** Scans are commonly made at 200 dpi; the page image is drawn over the whole A4 page. */
const SCAN_DPI = 200;

/** A page image as a scanner makes it: black text on white, wrapped paragraphs, no text layer. */
function scanImage(paragraphs: readonly string[]): Buffer {
  const width = Math.round((A4_POINTS[0] / 72) * SCAN_DPI);
  const height = Math.round((A4_POINTS[1] / 72) * SCAN_DPI);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  context.fillStyle = "#000000";
  context.font = "36px DejaVu Serif";
  const margin = 160;
  let y = margin;
  for (const paragraph of paragraphs) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      const candidate = line ? `${line} ${word}` : word;
      if (context.measureText(candidate).width > width - 2 * margin && line) {
        context.fillText(line, margin, y);
        y += 52;
        line = word;
      } else line = candidate;
    }
    context.fillText(line, margin, y);
    y += 104;
  }
  return canvas.toBuffer("image/png");
}

/** A PDF whose pages are images only (one per entry of `pages`), like a scanned letter. */
export async function scannedPdf(pages: ReadonlyArray<readonly string[]>): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (const paragraphs of pages) {
    const image = await pdf.embedPng(scanImage(paragraphs));
    const page = pdf.addPage([...A4_POINTS]);
    page.drawImage(image, { x: 0, y: 0, width: A4_POINTS[0], height: A4_POINTS[1] });
  }
  return pdf.save();
}
