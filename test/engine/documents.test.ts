import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerToJson } from "../../src/answer/json.js";
import { renderAnswerText } from "../../src/answer/render-text.js";
import type { Engine } from "../../src/engine/engine.js";
import { ArticleError } from "../../src/knowledge/article-error.js";
import { buildDocx, buildEncryptedPdf, buildPdf, regulationSpec } from "../helpers/documents.js";
import { scannedPdf } from "../helpers/scanned-pdf.js";
import { createWorkspace, openEngine, type Workspace } from "../helpers/workspace.js";

let workspace: Workspace;
let engine: Engine;

const WEB_PAGE = `<!doctype html><html><head><title>Layanan Aduan</title><meta property="og:site_name" content="Portal Kota Contoh"></head><body>
  <nav><a href="/">Beranda</a> <a href="/berita">Berita</a></nav>
  <article><h1>Kota Contoh Luncurkan Aplikasi Pengaduan Warga</h1>
  <p>Pemerintah Kota Contoh meluncurkan aplikasi pengaduan warga yang terhubung dengan seluruh perangkat daerah pada Selasa pagi.</p>
  <h2>Target Layanan</h2><p>Wali kota menargetkan setiap laporan warga dijawab paling lambat tiga hari kerja dan hasilnya dapat dipantau secara terbuka.</p>
  </article><footer>Hak cipta Pemerintah Kota Contoh</footer></body></html>`;

beforeAll(async () => {
  workspace = createWorkspace();
  const put = (relative: string, content: string | Uint8Array) => {
    mkdirSync(path.dirname(path.join(workspace.knowledgeDir, relative)), { recursive: true });
    writeFileSync(path.join(workspace.knowledgeDir, relative), content);
  };
  put("regulasi/perpres-95-2018.pdf", await buildPdf(regulationSpec()));
  put(
    "pedoman/evaluasi-spbe.docx",
    await buildDocx([
      { heading: 1, text: "Pedoman Evaluasi SPBE" },
      { text: "Pedoman ini mengatur tata cara evaluasi penerapan SPBE pada instansi pusat dan pemerintah daerah setiap tahun." },
      { heading: 2, text: "Tim Evaluator" },
      { text: "Evaluasi dilakukan oleh tim evaluator eksternal yang ditunjuk oleh kementerian dan dibantu asesor independen." },
    ]),
  );
  // A signed circular scanned on paper: two image-only pages, no text layer.
  put(
    "surat/surat-edaran-tte.pdf",
    await scannedPdf([
      ["SURAT EDARAN NOMOR 7 TAHUN 2024", "Dengan ini diberitahukan kepada seluruh kepala perangkat daerah mengenai penggunaan tanda tangan elektronik."],
      ["Mulai tanggal satu Juli seluruh surat dinas wajib ditandatangani secara elektronik melalui aplikasi persuratan daerah.", "Demikian surat edaran ini untuk dilaksanakan."],
    ]),
  );
  put("web/aduan-kota-contoh.html", WEB_PAGE);
  put("web/aduan-kota-contoh.html.source.json", JSON.stringify({ url: "https://kota.example/berita/aduan", fetchedAt: "2024-03-05T01:00:00Z" }));
  engine = await openEngine(workspace);
}, 240_000);

afterAll(async () => {
  await engine?.close();
  workspace?.cleanup();
});

const PURPOSE = "(1) Arsitektur SPBE Nasional sebagaimana dimaksud dalam Pasal 4 ayat (1) bertujuan untuk memberikan panduan";

describe("answers from PDF, Word and web documents", () => {
  it("indexed every document of the subfolders", () => {
    expect(engine.startupReport?.problems).toEqual([]);
    expect(engine.articles().map((article) => article.id)).toEqual(expect.arrayContaining(["regulasi/perpres-95-2018", "pedoman/evaluasi-spbe", "web/aduan-kota-contoh", "surat/surat-edaran-tte"]));
  });

  it.each([
    ["Apa tujuan Arsitektur SPBE Nasional?", "id", "Pasal 5, hlm. 3"],
    ["What is the purpose of the national SPBE architecture?", "en", "Article 5, p. 3"],
  ])("%s → the Pasal 5 sentence, cited with its Pasal and page", async (question, lang, location) => {
    const answer = await engine.ask(question);
    expect(answer.lang).toBe(lang);
    expect(answer.found).toBe(true);
    const best = answer.quotes.flatMap((quote) => quote.sentences.map((sentence) => ({ ...sentence, citation: quote.citation }))).find((sentence) => sentence.best)!;
    expect(best.text.startsWith(PURPOSE)).toBe(true);
    const citation = answer.citations.find((c) => c.number === best.citation)!;
    expect(citation).toMatchObject({ articleId: "regulasi/perpres-95-2018", page: 3, section: "Pasal 5", ocr: false, date: "2018-10-02" });
    expect(renderAnswerText(answer)).toContain(`Peraturan Presiden Republik Indonesia Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik — 2 ${lang === "en" ? "October" : "Oktober"} 2018, ${location}`);

    const json = answerToJson(answer);
    expect(json.results[0]).toMatchObject({ title: citation.title, page: 3, section: "Pasal 5", url: null });
    expect(json.results[0]!.quote).toContain("bertujuan untuk memberikan panduan");
  });

  it("cites a Word document's heading", async () => {
    const answer = await engine.ask("Siapa yang melakukan evaluasi SPBE?");
    expect(answer.found).toBe(true);
    expect(answer.citations[0]).toMatchObject({ articleId: "pedoman/evaluasi-spbe", section: "Tim Evaluator", page: null });
    expect(answerToJson(answer).results[0]).toMatchObject({ section: "Tim Evaluator", page: null });
  });

  it("answers from a scanned letter through offline OCR, citing the page as OCR text", async () => {
    const answer = await engine.ask("Kapan surat dinas wajib ditandatangani secara elektronik?");
    expect(answer.found).toBe(true);
    const citation = answer.citations[0]!;
    expect(citation).toMatchObject({ articleId: "surat/surat-edaran-tte", title: "Surat Edaran Nomor 7 Tahun 2024", page: 2, ocr: true });
    expect(answer.quotes[0]!.sentences.map((sentence) => sentence.text).join(" ")).toMatch(/Mulai tanggal satu Juli seluruh surat dinas wajib ditandatangani secara elektronik/);
    expect(renderAnswerText(answer)).toMatch(/hlm\. 2, hasil OCR/);
    // The JSON names the first page of the passage (the short letter is one passage over both pages).
    expect(answerToJson(answer).results[0]).toMatchObject({ page: 1 });
  });

  it("cites a fetched web page by its heading and links to the quoted sentence", async () => {
    const answer = await engine.ask("Berapa lama laporan warga harus dijawab?");
    expect(answer.found).toBe(true);
    const citation = answer.citations[0]!;
    expect(citation).toMatchObject({ articleId: "web/aduan-kota-contoh", section: "Target Layanan", url: "https://kota.example/berita/aduan", source: "Portal Kota Contoh" });
    // A long sentence is named by its first and last five words.
    expect(citation.link).toBe("https://kota.example/berita/aduan#:~:text=Wali%20kota%20menargetkan%20setiap%20laporan,hasilnya%20dapat%20dipantau%20secara%20terbuka.");
  });

  it("refuses a bad upload with a clear message and changes nothing; a good PDF upload is answered by page", async () => {
    const before = readdirSync(workspace.knowledgeDir).sort();
    const articles = engine.articles().length;
    await expect(engine.addArticle("rahasia.pdf", Buffer.from(await buildEncryptedPdf()))).rejects.toThrow(ArticleError);
    await expect(engine.addArticle("laporan.docx", Buffer.from(await buildPdf(regulationSpec())))).rejects.toThrow(/really a PDF file/);
    expect(readdirSync(workspace.knowledgeDir).sort()).toEqual(before);
    expect(engine.articles()).toHaveLength(articles);

    const spec = regulationSpec();
    spec.pages[2]!.push({ text: "Anggaran penyelenggaraan SPBE dibebankan pada anggaran pendapatan dan belanja negara serta daerah." });
    const { article, report } = await engine.addArticle("Perpres Baru.pdf", Buffer.from(await buildPdf(spec)));
    expect(article.id).toBe("perpres-baru");
    expect(report.added).toEqual(["perpres-baru"]);
    const answer = await engine.ask("Anggaran penyelenggaraan SPBE dibebankan pada apa?");
    expect(answer.citations[0]).toMatchObject({ articleId: "perpres-baru", page: 3, section: "Pasal 5" });
  });
});
