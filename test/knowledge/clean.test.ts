import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cleanArticleText } from "../../src/knowledge/clean.js";
import { ArticleError, parseArticle } from "../../src/knowledge/parse.js";
import { REPO_KNOWLEDGE } from "../helpers/workspace.js";

function seed(id: string) {
  const file = readdirSync(REPO_KNOWLEDGE).find((name) => name.startsWith(id))!;
  return parseArticle(file, readFileSync(path.join(REPO_KNOWLEDGE, file)));
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("cleaning the seed articles", () => {
  it("drops the clipping letterhead table, signature and reporter initials of the Jogja clipping", () => {
    const article = seed("jogja");
    expect(article.text).not.toMatch(/Instansi|Nilai Berita|Tindak Lanjut|Trihastono|NIP\.|Kepala$|08 Juli 2026|\(hed\/kus\)/m);
    // The last paragraph stays; only the reporter initials after it go.
    expect(article.text.endsWith("ungkap mantan juru bicara Kemendagri ini.")).toBe(true);
    expect(article.text).toContain("Staf Ahli Kemendagri Saut Situmorang menambahkan");
    // Sentences the copy-paste broke over blank lines are whole again.
    expect(article.text).toContain("ditransfer melalui kerja sama antarpemerintah daerah.");
    expect(article.text).toContain("melihat implementasi PNPB khususnya di para pelaku UMKM.");
  });

  it("drops byline, caption, repeated title, 'Simak berita lainnya', editor and 'Berita Terkait' of the Bisnis.com article", () => {
    const article = seed("spbe");
    expect(article.text).not.toMatch(/MG Noviarizal|Reuters|Simak berita|pemerintahan jokowi-jk|Editor|Berita Terkait|Berita Terkini|^Top$/m);
    expect(article.text.startsWith("Bisnis.com, JAKARTA - Kementerian Pendayagunaan")).toBe(true);
    // The subtitle repeats the lead paragraph; the lead is kept once.
    expect(occurrences(article.text, "berupaya meningkatkan kapasitas aparatur")).toBe(1);
    expect(article).toMatchObject({ source: "Bisnis.com", date: "2019-09-24" });
  });

  it("drops the unrelated headlines inside and after the VIVAnews article", () => {
    const article = seed("kemlu");
    expect(article.text).not.toMatch(/Puncak Arus Balik|Fairuz|Toyota|Gaikindo|Daihatsu|img_title|VIVA\.co\.id|16 April 2024|Dokumentasi Kementerian|Sumber/);
    expect(article.text.endsWith("Tim E-Government dan Open Government.")).toBe(true);
  });

  it("drops the Humas Jateng bullets, author and editor lines", () => {
    const article = seed("jateng");
    expect(article.text).not.toMatch(/25 Apr$|Prov Jateng|No Comments|Penulis|Editor|Berita Terkait/m);
    expect(article).toMatchObject({ source: "Humas Jateng", date: "2017-04-25" });
  });

  it("keeps each repeated paragraph of the Banyuwangi article once and drops the font-size letters", () => {
    const article = seed("banyuwangi");
    expect(occurrences(article.text, "Terbaru di awal Oktober 2017, Kabupaten Bandung Barat mengirim para pejabatnya ke Banyuwangi.")).toBe(1);
    expect(occurrences(article.text, "Di Banyuwangi anggaran untuk membangun e-Government")).toBe(1);
    expect(article.text).not.toMatch(/^A$|\(nag\)/m);
    expect(article.text.split("\n\n")).toHaveLength(10);
  });

  it("normalises whitespace: single spaces inside paragraphs, one blank line between them", () => {
    for (const id of ["jogja", "spbe", "kemlu", "jateng", "banyuwangi"]) {
      const { text } = seed(id);
      expect(text).not.toMatch(/[ \t]{2,}|\n{3,}|^\s|\s$|\u00A0/);
    }
  });

  it("keeps the seed files faithful to the originals: front matter plus the original text", () => {
    const raw = readFileSync(path.join(REPO_KNOWLEDGE, "banyuwangi-rujukan-e-government.txt"), "utf8");
    expect(raw).toMatch(/^---\n[\s\S]*?\n---\nPenerapan e-Government di Banyuwangi Menjadi Rujukan\nA\nA\nA\nJAKARTA/);
  });
});

describe("article files", () => {
  it("reads Markdown with front matter and strips its syntax", () => {
    const md = "---\ntitle: Aplikasi LAPOR\nsource: Contoh.com\ndate: 2020-01-02\nurl: https://contoh.com/lapor\n---\n# Aplikasi LAPOR\n\nPemerintah **meluncurkan** aplikasi [LAPOR!](https://lapor.go.id) untuk menampung pengaduan warga secara daring di seluruh Indonesia.\n\n- Warga dapat melapor lewat situs, SMS, dan aplikasi seluler setiap hari.\n";
    const article = parseArticle("lapor.md", Buffer.from(md));
    expect(article).toMatchObject({ id: "lapor", title: "Aplikasi LAPOR", source: "Contoh.com", date: "2020-01-02", url: "https://contoh.com/lapor" });
    expect(article.text).toContain("Pemerintah meluncurkan aplikasi LAPOR! untuk menampung");
    expect(article.text).toContain("- Warga dapat melapor");
  });

  it("reads HTML with its metadata and without navigation", () => {
    const html = `<html><head><title>x</title><meta property="og:title" content="Desa Digital"><meta property="og:site_name" content="Berita Desa"><meta property="article:published_time" content="2021-05-06T08:00:00Z"><meta property="og:url" content="https://desa.example/digital"></head>
      <body><nav>Beranda | Nasional</nav><h1>Desa Digital</h1><p>Pemerintah desa di Kabupaten Contoh mulai memakai aplikasi administrasi kependudukan secara daring untuk melayani warga.</p><p>Warga tidak perlu lagi datang ke kantor desa untuk mengurus surat keterangan &amp; dokumen lain.</p><footer>Hak cipta</footer></body></html>`;
    const article = parseArticle("desa.html", Buffer.from(html));
    expect(article).toMatchObject({ title: "Desa Digital", source: "Berita Desa", date: "2021-05-06", url: "https://desa.example/digital" });
    expect(article.text).toContain("surat keterangan & dokumen lain.");
    expect(article.text).not.toMatch(/Beranda|Hak cipta/);
  });

  it.each([
    ["empty.txt", Buffer.alloc(0), /empty/],
    ["binary.txt", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14]), /binary/],
    ["latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff]), /UTF-8/],
    ["photo.jpg", Buffer.from("text"), /unsupported file type/],
    ["short.txt", Buffer.from("Judul\n\nHanya satu kalimat pendek."), /words of article text/],
  ])("rejects %s with a clear message", (name, bytes, message) => {
    expect(() => parseArticle(name, bytes)).toThrow(ArticleError);
    expect(() => parseArticle(name, bytes)).toThrow(message);
  });
});

describe("cleanArticleText", () => {
  it("cuts the article at 'Baca berita lainnya'-style end markers only after the body began", () => {
    const raw = "Judul\nEditor: Budi\n\nKalimat pertama yang cukup panjang untuk dianggap prosa berita.\n\nBerita Terkait\nJudul lain yang tidak berhubungan sama sekali.";
    expect(cleanArticleText(raw, { title: "Judul" }).text).toBe("Kalimat pertama yang cukup panjang untuk dianggap prosa berita.");
  });
});

describe("cleaning edge cases", () => {
  it("keeps a paragraph whose last sentence was cut off, and strips an agency credit at the end", () => {
    const raw = "Judul\n\nPesawat itu berhenti di Pucallpa. Kemudian pesawat melanjutkan perjalanan ke Iquitos di utara Peru yang berdekatan dengan perbatasan Kolombia dan Brasil. (AFP/OKI)\n\nWarga setempat kemudian membantu evakuasi para penumpang yang selamat dari kecelakaan dan dibawa ke rumah sakit terdekat";
    const { text } = cleanArticleText(raw, { title: "Judul" });
    // The short trailing fragment is no sentence and goes; the credit then closes the article and goes too.
    expect(text).toBe("Pesawat itu berhenti di Pucallpa. Kemudian pesawat melanjutkan perjalanan ke Iquitos di utara Peru yang berdekatan dengan perbatasan Kolombia dan Brasil.");
    const single = cleanArticleText("Pemerintah kota meluncurkan aplikasi baru. Aplikasi itu melayani perizinan usaha dan pengaduan warga di seluruh kecamatan kota (ant/d03)", {}).text;
    expect(single).toBe("Pemerintah kota meluncurkan aplikasi baru. Aplikasi itu melayani perizinan usaha dan pengaduan warga di seluruh kecamatan kota");
  });

  it("keeps a list-like text line by line instead of rejecting it", () => {
    const raw = "Kitab Ibrani terdiri dari 24 buku dari 3 kumpulan:\nTaurat berisi lima kitab pertama\nNevi'im berisi kitab para nabi";
    expect(cleanArticleText(raw, {}).text.split("\n\n")).toHaveLength(3);
  });
});
