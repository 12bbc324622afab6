// Seconds per OCR page for scanned PDFs (target ≤ 3 s on 2 cores), how long the main thread is blocked
// meanwhile, and how many of the page's words come back. Usage: npm run bench:ocr -- [--pages 6] [--json]
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Command } from "commander";
import { recognizePdfPages, shutdownOcr } from "../src/knowledge/ocr/index.js";
import { scannedPdf } from "../test/helpers/scanned-pdf.js";

const PARAGRAPHS = [
  "Dalam rangka percepatan penerapan Sistem Pemerintahan Berbasis Elektronik, setiap instansi pusat dan pemerintah daerah wajib menyusun rencana induk dan arsitektur SPBE yang selaras dengan arsitektur nasional.",
  "Layanan administrasi kependudukan, perizinan berusaha dan pengaduan masyarakat diselenggarakan secara terpadu melalui portal pelayanan publik yang dapat diakses warga setiap hari.",
  "The regional government shall report the progress of its electronic services every six months to the Ministry of Administrative and Bureaucratic Reform.",
  "Pembiayaan pembangunan pusat data dan jaringan intra pemerintah dibebankan pada anggaran pendapatan dan belanja daerah masing-masing sesuai ketentuan peraturan perundang-undangan.",
  "Pejabat pengelola informasi dan dokumentasi memastikan data yang dibagipakaikan antarinstansi memenuhi standar keamanan informasi dan perlindungan data pribadi.",
];

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

const program = new Command("bench-ocr")
  .option("--pages <n>", "scanned pages to recognise", "6")
  .option("--json", "print the figures as JSON")
  .action(async (options: { pages: string; json?: boolean }) => {
    const pageCount = Math.max(2, Number(options.pages));
    // A full page of text each: every paragraph twice, in a different order per page.
    const pages = Array.from({ length: pageCount }, (_, page) => [...PARAGRAPHS, ...PARAGRAPHS].map((_, i, all) => all[(i + page) % all.length]!));
    const pdf = await scannedPdf(pages);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const done: number[] = [];
    const cpuAtDone: number[] = [];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    delay.enable();
    const texts = await recognizePdfPages(pdf, pages.map((_, i) => i + 1), () => {
      done.push(performance.now());
      const cpuNow = process.cpuUsage();
      cpuAtDone.push((cpuNow.user + cpuNow.system) / 1e6);
    });
    delay.disable();
    const cpu = process.cpuUsage(cpuBefore);
    await shutdownOcr();
    const firstPage = (done[0]! - started) / 1000;
    const steady = (done.at(-1)! - done[0]!) / 1000 / (pageCount - 1);
    const expected = pages.flatMap((paragraphs) => words(paragraphs.join(" ")));
    const recognised = new Map<string, number>();
    for (const word of [...texts.values()].flatMap((text) => words(text))) recognised.set(word, (recognised.get(word) ?? 0) + 1);
    const found = expected.filter((word) => {
      const left = recognised.get(word) ?? 0;
      if (left > 0) recognised.set(word, left - 1);
      return left > 0;
    }).length;
    const figures = {
      pages: pageCount,
      firstPageSeconds: Number(firstPage.toFixed(2)),
      secondsPerPage: Number(steady.toFixed(2)),
      // All threads together: less sensitive than wall time to other work on the machine. Rendering and
      // recognition overlap on two threads, so on an otherwise idle 2-core machine a page takes at most this long.
      cpuSecondsPerPage: Number(((cpuAtDone.at(-1)! - cpuAtDone[0]!) / (pageCount - 1)).toFixed(2)),
      cpuSecondsTotal: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      totalSeconds: Number(((done.at(-1)! - started) / 1000).toFixed(2)),
      wordRecall: Number((found / expected.length).toFixed(4)),
      mainThreadMaxBlockMs: Number((delay.max / 1e6).toFixed(1)),
      mainThreadP99BlockMs: Number((delay.percentile(99) / 1e6).toFixed(1)),
    };
    if (options.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
    else {
      process.stdout.write(`OCR of ${pageCount} scanned A4 pages (300 dpi render, ind+eng)\n`);
      process.stdout.write(`  first page (starts the workers, loads the models): ${figures.firstPageSeconds} s\n`);
      process.stdout.write(`  each further page: ${figures.secondsPerPage} s (target ≤ 3 s)\n`);
      process.stdout.write(`  CPU time per further page (all threads): ${figures.cpuSecondsPerPage} s; whole run ${figures.cpuSecondsTotal} s\n`);
      process.stdout.write(`  words recognised: ${(figures.wordRecall * 100).toFixed(1)} %\n`);
      process.stdout.write(`  main thread blocked at most ${figures.mainThreadMaxBlockMs} ms (p99 ${figures.mainThreadP99BlockMs} ms)\n`);
    }
  });

program.parseAsync();
