import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../src/config/settings.js";
import { recognizePdfPages, shutdownOcr } from "../../../src/knowledge/ocr/index.js";
import { pageTextFromTsv } from "../../../src/knowledge/ocr/recognizer.js";
import { scannedPdf } from "../../helpers/scanned-pdf.js";

const run = promisify(execFile);

const LETTER = [
  ["SURAT EDARAN NOMOR 5 TAHUN 2024", "Setiap instansi pemerintah daerah wajib menyusun arsitektur Sistem Pemerintahan Berbasis Elektronik sebelum akhir tahun anggaran.", "This circular applies to every regional government agency."],
  ["Ketentuan penutup: surat edaran ini berlaku sejak tanggal ditetapkan."],
];

/** Words compared without case; OCR may differ in line breaks, not in the words. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

afterAll(() => shutdownOcr());

describe("OCR of scanned PDF pages", () => {
  it("reads Indonesian and English text from image-only pages, page by page, reporting progress", async () => {
    const progress: Array<[number, number]> = [];
    const texts = await recognizePdfPages(await scannedPdf(LETTER), [2, 1], (done, total) => progress.push([done, total]));
    expect([...texts.keys()]).toEqual([2, 1]);
    for (const [page, paragraphs] of LETTER.entries()) {
      const recognised = words(texts.get(page + 1)!);
      for (const paragraph of paragraphs) expect(recognised.join(" ")).toContain(words(paragraph).join(" "));
    }
    // Paragraphs stay apart, a wrapped sentence stays whole.
    expect(texts.get(1)!.split("\n\n")).toHaveLength(3);
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it("reports a page that is not in the document", async () => {
    await expect(recognizePdfPages(await scannedPdf([LETTER[1]!]), [3])).rejects.toThrow(/page 3 is not in the document/);
  });

  it("reports a file that is not a PDF", async () => {
    await expect(recognizePdfPages(new TextEncoder().encode("not a pdf at all"), [1])).rejects.toThrow(/Could not render page 1/);
  });

  it("works with no network at all: language data comes from the installed packages", async () => {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), "tanya-ocr-models-"));
    try {
      const { stdout, stderr } = await run(process.execPath, ["--require", "./test/helpers/no-network.cjs", "--import", "tsx", "test/knowledge/ocr/offline-child.ts", JSON.stringify([LETTER[1]])], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, MODELS_DIR: modelsDir },
        timeout: 120_000,
      });
      const result = JSON.parse(stdout.trim().split("\n").pop()!) as { texts: Record<string, string>; guarded: boolean };
      expect(result.guarded).toBe(true);
      expect(words(result.texts["1"]!).join(" ")).toContain(words(LETTER[1]![0]!).join(" "));
      // The guard was loaded in the worker threads that did the work, not only on the main thread.
      expect(new Set(stderr.match(/network-guard thread \d+/g)).size).toBeGreaterThanOrEqual(3);
      expect(fs.readdirSync(path.join(modelsDir, "tesseract")).sort()).toEqual(["eng.traineddata.gz", "ind.traineddata.gz"]);
    } finally {
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});

describe("recognised page layout", () => {
  const row = (block: number, paragraph: number, line: number, word: number, text: string) => ["5", "1", block, paragraph, line, word, 0, 0, 10, 10, 90, text].join("\t");

  it("keeps lines, separates paragraphs, and rejoins a sentence tesseract split into two paragraphs", () => {
    const tsv = [
      "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
      "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
      row(1, 1, 1, 1, "SURAT"),
      row(1, 1, 1, 2, "EDARAN"),
      row(2, 1, 1, 1, "Setiap"),
      row(2, 1, 1, 2, "instansi"),
      row(2, 1, 2, 1, "wajib"),
      row(2, 2, 1, 1, "menyusun"),
      row(2, 2, 1, 2, "arsitektur."),
      row(3, 1, 1, 1, "Berlaku"),
      row(3, 1, 1, 2, "sejak"),
      row(3, 1, 1, 3, "ditetapkan."),
      row(4, 1, 1, 1, "—"),
    ].join("\n");
    expect(pageTextFromTsv(tsv)).toBe("SURAT EDARAN\n\nSetiap instansi\nwajib\nmenyusun arsitektur.\n\nBerlaku sejak ditetapkan.");
  });
});
