import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { ArticleError } from "../../src/knowledge/article-error.js";
import { formatForFile, formatForMediaType } from "../../src/knowledge/formats/index.js";
import { regulationSections } from "../../src/knowledge/formats/regulation.js";
import type { PageRecognizer } from "../../src/knowledge/formats/types.js";
import { readArticle } from "../../src/knowledge/parse.js";
import { buildDocx, buildEncryptedPdf, buildPdf, legacyDocBytes, PAGE_FOOTER, REGULATION_HEADER, regulationSpec } from "../helpers/documents.js";

const read = (name: string, bytes: Uint8Array, maxPages = 2000) => readArticle(name, bytes, { maxPages });
const PROSE = "Pemerintah daerah menyiapkan layanan administrasi kependudukan secara daring agar warga tidak perlu datang ke kantor.";

describe("format choice", () => {
  it("chooses by extension and media type", () => {
    expect(formatForMediaType("application/pdf")?.extensions[0]).toBe(".pdf");
    expect(formatForMediaType("text/html; charset=utf-8")?.extensions[0]).toBe(".html");
    expect(formatForMediaType("application/vnd.openxmlformats-officedocument.wordprocessingml.document")?.extensions[0]).toBe(".docx");
    expect(formatForMediaType("image/png")).toBeUndefined();
  });

  it("says what a file with a lying extension really is", async () => {
    const pdf = await buildPdf({ pages: [[{ text: PROSE }]] });
    expect(() => formatForFile("laporan.docx", pdf)).toThrow(/laporan\.docx is really a PDF file, not \.docx\. Rename it to laporan\.pdf/);
    expect(() => formatForFile("laporan.txt", pdf)).toThrow(/really a PDF file/);
    const docx = await buildDocx([{ text: PROSE }]);
    expect(() => formatForFile("laporan.pdf", docx)).toThrow(/really a DOCX file, not \.pdf/);
    expect(() => formatForFile("laporan.pdf", Buffer.from("just text, not a pdf"))).toThrow(/not a PDF file/);
  });

  it("asks for an old binary .doc to be saved as .docx or PDF, whatever its name", async () => {
    await expect(read("surat.doc", legacyDocBytes())).rejects.toThrow(/save it as \.docx or PDF/);
    await expect(read("surat.docx", legacyDocBytes())).rejects.toThrow(/save it as \.docx or PDF/);
  });
});

describe("PDF", () => {
  it("reads a regulation: title from its heading, date from 'Ditetapkan', pages, BAB/Bagian/Pasal/ayat sections", async () => {
    const article = await read("regulasi/Perpres 95 2018.pdf", await buildPdf(regulationSpec()));
    expect(article.id).toBe("regulasi/perpres-95-2018");
    expect(article.title).toBe("Peraturan Presiden Republik Indonesia Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik");
    expect(article.date).toBe("2018-10-02");
    expect(article.pages!.map((page) => page.number)).toEqual([1, 2, 3, 4]);
    const pageOf = (needle: string) => article.pages!.find((page) => article.text.slice(page.start, page.end).includes(needle))?.number;
    expect(pageOf("bertujuan untuk memberikan panduan")).toBe(3);
    expect(pageOf("disusun oleh menteri")).toBe(2);
    const titles = article.sections!.map((section) => section.title);
    expect(titles).toEqual(["BAB I", "Pasal 1", "BAB II", "Bagian Kesatu", "Pasal 4", "ayat (1)", "ayat (2)", "Pasal 5", "ayat (1)", "ayat (2)", "Pasal 6"]);
    const pasal5 = article.sections!.find((section) => section.title === "Pasal 5")!;
    // "sebagaimana dimaksud dalam Pasal 4 ayat (1)" is a reference inside Pasal 5, not a heading.
    expect(article.text.slice(pasal5.start, pasal5.end)).toContain("sebagaimana dimaksud dalam Pasal 4 ayat (1) bertujuan");
    // Pasal 5 ayat (2) runs onto page 4: the sentence is joined across the page break.
    expect(article.text.slice(pasal5.start, pasal5.end)).toContain("dalam satu kesatuan yang utuh dan diperbarui");
  });

  it("drops running headers and footers, page numbers included", async () => {
    const article = await read("perpres.pdf", await buildPdf(regulationSpec()));
    expect(article.text).not.toMatch(/Halaman \d+ dari 4|- \d+ -/);
    // The running letterhead goes; the same words in the heading block stay.
    expect(article.text.match(/PRESIDEN REPUBLIK INDONESIA/g)).toHaveLength(2);
  });

  it("keeps a Pasal heading that opens most pages: structure, not a running header", async () => {
    const duties = ["menyusun rencana induk", "menyediakan pusat data", "melatih aparatur sipil negara", "mengevaluasi aplikasi layanan"];
    const pages = duties.map((duty, i) => [{ lines: [`Pasal ${i + 1}`] }, { text: `Setiap instansi pemerintah wajib ${duty} sesuai ketentuan ini.` }]);
    const article = await read("pasal.pdf", await buildPdf({ header: REGULATION_HEADER, footer: PAGE_FOOTER, pages }));
    expect(article.sections!.map((section) => section.title)).toEqual(["Pasal 1", "Pasal 2", "Pasal 3", "Pasal 4"]);
    expect(article.text).not.toContain("PRESIDEN REPUBLIK INDONESIA");
  });

  it("joins a word hyphenated at a line end, keeps a table row on one line, reads two columns in order", async () => {
    const pdf = await buildPdf({
      pages: [
        [{ lines: ["Dinas Komunikasi dan Informatika memperluas jangkauan pela-", "yanan publik digital ke seluruh kecamatan pada tahun ini."] }, { table: [["Layanan", "Target", "Capaian"], ["Izin usaha", "120 hari", "95 hari"]] }],
        [
          {
            columns: [
              ["Kolom kiri dimulai dengan kalimat pertama tentang aplikasi pengaduan warga yang dibangun oleh pemerintah kota.", "Kalimat kedua di kolom kiri menjelaskan bahwa aplikasi itu tersedia di ponsel dan situs web resmi."],
              ["Kolom kanan membahas pelatihan aparatur sipil negara agar mampu mengelola data layanan publik.", "Kalimat terakhir kolom kanan menutup halaman dengan rencana evaluasi pada akhir tahun anggaran."],
            ],
          },
        ],
      ],
    });
    const { text } = await read("layanan.pdf", pdf);
    expect(text).toContain("memperluas jangkauan pelayanan publik digital");
    expect(text).toContain("Layanan | Target | Capaian\n\nIzin usaha | 120 hari | 95 hari");
    const order = ["Kolom kiri dimulai", "Kalimat kedua di kolom kiri", "Kolom kanan membahas", "Kalimat terakhir kolom kanan"].map((s) => text.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toContain("dibangun oleh pemerintah kota.\n\nKalimat kedua");
  });

  it("reads a lone line laid out in columns ('Menimbang : a. bahwa …') as one sentence, not as a table row", async () => {
    const pdf = await buildPdf({ pages: [[{ text: PROSE }, { table: [["Menimbang", ":", "a. bahwa pelayanan publik perlu"]] }, { text: "Dengan persetujuan bersama pemerintah daerah dan dewan perwakilan rakyat daerah." }]] });
    const { text } = await read("menimbang.pdf", pdf);
    expect(text).toContain("Menimbang : a. bahwa pelayanan publik perlu");
    expect(text).not.toContain("|");
  });

  it("takes the title from a heading set larger than the text", async () => {
    const pdf = await buildPdf({ title: "Untitled", pages: [[{ lines: ["Laporan Kinerja SPBE", "Kabupaten Contoh 2023"], size: 18 }, { text: PROSE }]] });
    expect((await read("laporan.pdf", pdf)).title).toBe("Laporan Kinerja SPBE Kabupaten Contoh 2023");
  });

  it("takes a circular's title from its numbered heading even without 'tentang'", async () => {
    const pdf = await buildPdf({ pages: [[{ text: "SURAT EDARAN NOMOR 7 TAHUN 2024" }, { text: PROSE }]] });
    expect((await read("se-7.pdf", pdf)).title).toBe("Surat Edaran Nomor 7 Tahun 2024");
  });

  it("takes the title from the PDF's Title when the first page has no heading, else the file name", async () => {
    expect((await read("a.pdf", await buildPdf({ title: "Pedoman Manajemen Data", pages: [[{ text: PROSE }]] }))).title).toBe("Pedoman Manajemen Data");
    expect((await read("laporan-tahunan_2023.pdf", await buildPdf({ pages: [[{ text: PROSE }]] }))).title).toBe("laporan tahunan 2023");
  });

  it("refuses encrypted, truncated, damaged and over-long PDFs with a clear message", async () => {
    await expect(read("rahasia.pdf", await buildEncryptedPdf())).rejects.toThrow(/rahasia\.pdf is password-protected/);
    const whole = await buildPdf(regulationSpec());
    await expect(read("potong.pdf", whole.subarray(0, Math.floor(whole.length * 0.6)))).rejects.toThrow(/potong\.pdf is truncated/);
    const damaged = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(4000, 0x41), Buffer.from("\n%%EOF\n")]);
    await expect(read("rusak.pdf", damaged)).rejects.toThrow(/rusak\.pdf is damaged or not a valid PDF/);
    await expect(read("tebal.pdf", whole, 3)).rejects.toThrow(/tebal\.pdf has 4 pages; at most 3 are read \(MAX_PDF_PAGES\)/);
    for (const bad of ["rahasia.pdf", "potong.pdf"]) await expect(read(bad, whole.subarray(0, 10))).rejects.toBeInstanceOf(ArticleError);
  });

  it("detects a garbage text layer and a scan; without OCR both are refused, with a recogniser their pages are read as OCR", async () => {
    const garbage = await buildPdf({ pages: [[{ text: "ÿþ¤¦§¨ ©ª«¬®¯ °±²³´µ ¶·¸¹º» ¼½¾¿ÆÐ ×ØÞßæð ÷øþÿ¤¦ §¨©ª«¬ ®¯°±²³" }]] });
    await expect(read("rusak-font.pdf", garbage)).rejects.toThrow(/text layer is unreadable \(broken font encoding\) and OCR is off/);
    const symbols = await buildPdf({ pages: [[{ text: "!#$%&*+<=>?@^_~ ]]]]} )))){ [[[[ *** @@@ ### %%% ^^^ ~~~ === +++" }]] });
    await expect(read("simbol.pdf", symbols)).rejects.toThrow(/text layer is unreadable/);
    const scan = await buildPdf({ pages: [[{ image: true }], [{ image: true }]] });
    await expect(read("surat.pdf", scan)).rejects.toThrow(/surat\.pdf is a scan: its pages are images without text, and OCR is off/);

    // The recogniser is the OCR stage's contract (src/knowledge/ocr); here it reports what it was asked for.
    const asked: number[][] = [];
    const recognizePages: PageRecognizer = async (pdf, pages) => {
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
      asked.push(pages);
      return new Map(pages.map((page) => [page, `Surat edaran halaman ${page} meminta seluruh perangkat daerah memakai aplikasi persuratan elektronik.`]));
    };
    // Page 3: a scan with a stamp typed on it is a scan too.
    const mixed = await buildPdf({ pages: [[{ text: PROSE }], [{ image: true }], [{ image: true }, { text: "SALINAN SESUAI DENGAN ASLINYA" }]] });
    const article = await readArticle("campuran.pdf", mixed, { maxPages: 10, recognizePages });
    expect(asked).toEqual([[2, 3]]);
    expect(article.pages).toEqual([expect.objectContaining({ number: 1, ocr: false }), expect.objectContaining({ number: 2, ocr: true }), expect.objectContaining({ number: 3, ocr: true })]);
    const page2 = article.pages![1]!;
    expect(article.text.slice(page2.start, page2.end)).toBe("Surat edaran halaman 2 meminta seluruh perangkat daerah memakai aplikasi persuratan elektronik.");
  });

  it("reports progress page by page", async () => {
    const seen: string[] = [];
    await readArticle("perpres.pdf", await buildPdf(regulationSpec()), { maxPages: 10, onProgress: (p) => seen.push(`${p.stage} ${p.done}/${p.total}`) });
    expect(seen).toEqual(["pages 1/4", "pages 2/4", "pages 3/4", "pages 4/4"]);
  });
});

describe("Word (.docx)", () => {
  it("reads headings as sections and a table row by row", async () => {
    const docx = await buildDocx([
      { heading: 1, text: "Pedoman Penerapan SPBE di Daerah" },
      { text: "Pedoman ini menjelaskan langkah penerapan SPBE di pemerintah daerah secara bertahap dan terukur." },
      { heading: 2, text: "Indikator Penilaian" },
      { text: "Setiap indikator dinilai oleh tim evaluator dari kementerian dengan bobot yang berbeda." },
      { table: [["Indikator", "Bobot"], ["Kebijakan internal", "20 persen"]] },
    ]);
    const article = await read("pedoman.docx", docx);
    expect(article.title).toBe("Pedoman Penerapan SPBE di Daerah");
    expect(article.text).toContain("Indikator | Bobot\n\nKebijakan internal | 20 persen");
    const indikator = article.sections!.find((section) => section.title === "Indikator Penilaian")!;
    expect(indikator.level).toBe(2);
    expect(article.text.slice(indikator.start, indikator.end)).toContain("dinilai oleh tim evaluator");
    expect(article.text.slice(indikator.start, indikator.end)).not.toContain("Pedoman ini menjelaskan");
  });

  it("finds the Pasal and ayat of a regulation typed in Word", async () => {
    const docx = await buildDocx([
      { heading: 1, text: "Peraturan Bupati Contoh tentang Satu Data" },
      { text: "Pasal 1" },
      { text: "(1) Perangkat daerah wajib menyerahkan data statistik sektoral kepada walidata setiap triwulan." },
      { text: "(2) Walidata memeriksa kesesuaian data sebelum disebarluaskan melalui portal satu data." },
      { text: "Pasal 2" },
      { text: "Peraturan ini mulai berlaku pada tanggal diundangkan dan wajib dilaksanakan seluruh perangkat daerah." },
    ]);
    const article = await read("perbup.docx", docx);
    expect(article.sections!.map((section) => section.title)).toEqual(["Peraturan Bupati Contoh tentang Satu Data", "Pasal 1", "ayat (1)", "ayat (2)", "Pasal 2"]);
  });

  it("refuses a zip bomb before inflating it", async () => {
    const bomb = await buildDocx([{ text: PROSE }], { "word/media/padding.bin": new Uint8Array(120 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(read("bom.docx", bomb)).rejects.toThrow(/bom\.docx would unpack to 120 MB; Word documents may unpack to at most 100 MB/);
  });

  it("refuses a zip that is not a Word document", async () => {
    const zip = new JSZip();
    zip.file("isi.txt", PROSE);
    await expect(read("arsip.docx", await zip.generateAsync({ type: "uint8array" }))).rejects.toThrow(/arsip\.docx is not a DOCX file \(its content is a zip archive\)/);
  });
});

describe("web pages (.html)", () => {
  const page = `<!doctype html><html><head><title>Portal | Kota Contoh</title>
    <meta property="og:site_name" content="Portal Kota Contoh"><link rel="canonical" href="https://kota.example/berita/lapor">
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","datePublished":"2024-03-05T09:00:00+07:00"}]}</script></head>
    <body><header><nav><a href="/">Beranda</a> <a href="/berita">Berita</a> <a href="/kontak">Kontak</a></nav></header>
    <div class="cookie-banner">Situs ini memakai cookie untuk meningkatkan pengalaman Anda. Setuju?</div>
    <main><article><h1>Kota Contoh Luncurkan Aplikasi Pengaduan</h1>
    <p>Pemerintah Kota Contoh meluncurkan aplikasi pengaduan warga yang terhubung dengan seluruh perangkat daerah pada Selasa pagi.</p>
    <h2>Cara Melapor</h2><p>Warga cukup mengunggah foto dan menulis keluhan singkat, lalu laporan diteruskan ke dinas terkait dalam satu hari kerja.</p>
    <h2>Target Layanan</h2><p>Wali kota menargetkan setiap laporan dijawab paling lambat tiga hari dan hasilnya dapat dipantau secara terbuka oleh warga.</p>
    </article><aside><h3>Berita Terkait</h3><ul><li><a href="/a">Pasar murah digelar di alun-alun kota pekan depan</a></li></ul></aside></main>
    <footer>Hak cipta 2024 Pemerintah Kota Contoh. Seluruh hak dilindungi.</footer></body></html>`;

  it("keeps the article and its h2 sections; drops navigation, cookie banner, related links and footer; reads the metadata", async () => {
    const article = await read("lapor.html", Buffer.from(page));
    expect(article).toMatchObject({ title: "Kota Contoh Luncurkan Aplikasi Pengaduan", source: "Portal Kota Contoh", date: "2024-03-05", url: "https://kota.example/berita/lapor" });
    expect(article.text).toContain("meluncurkan aplikasi pengaduan warga");
    expect(article.text).not.toMatch(/Beranda|cookie|Pasar murah|Hak cipta/);
    expect(article.sections!.map((section) => section.title)).toEqual(["Cara Melapor", "Target Layanan"]);
    const target = article.sections![1]!;
    expect(article.text.slice(target.start, target.end)).toContain("paling lambat tiga hari");
  });

  it("takes the date from <time> when there is no meta tag or JSON-LD", async () => {
    const html = `<html><body><article><h1>Desa Digital</h1><time datetime="2022-08-17">17 Agustus</time><p>${PROSE}</p><p>${PROSE.replace("Pemerintah daerah", "Kecamatan")}</p></article></body></html>`;
    expect((await read("desa.html", Buffer.from(html))).date).toBe("2022-08-17");
  });
});

describe("regulation headings", () => {
  it("recognises headings only when they stand alone", () => {
    const text = ["BAB I", "Pasal 1", "Ketentuan dalam Pasal 2 berlaku.", "Pasal 2", "(1) Ayat pertama.", "(2) Ayat kedua sebagaimana dimaksud dalam Pasal 1."].join("\n\n");
    expect(regulationSections(text).map((s) => `${s.level}:${s.title}`)).toEqual(["1:BAB I", "4:Pasal 1", "4:Pasal 2", "5:ayat (1)", "5:ayat (2)"]);
  });
});
