import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteArticleFiles, scanKnowledge, TRASH_DIR } from "../../src/knowledge/folder.js";
import { buildPdf, regulationSpec } from "../helpers/documents.js";

const ARTICLE = "Judul Berita\n\nPemerintah kota meluncurkan layanan perizinan daring yang bisa diakses warga dari rumah. Layanan itu memangkas waktu pengurusan izin usaha kecil.";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tanya-folder-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), content);
}

describe("knowledge folder", () => {
  it("reads subfolders, names articles by relative path, skips dot-folders", async () => {
    write("berita.txt", ARTICLE);
    write("Regulasi/Pusat/Perpres 95 2018.pdf", await buildPdf(regulationSpec()));
    write("dinas/berita.txt", ARTICLE);
    write(".trash/lama.txt", ARTICLE);
    write("dinas/.draft/x.txt", ARTICLE);
    const scan = await scanKnowledge(dir);
    expect(scan.problems).toEqual([]);
    expect(scan.articles.map((article) => [article.id, article.file])).toEqual([
      ["regulasi/pusat/perpres-95-2018", "Regulasi/Pusat/Perpres 95 2018.pdf"],
      ["berita", "berita.txt"],
      ["dinas/berita", "dinas/berita.txt"],
    ]);
  });

  it("takes a fetched file's URL from its .source.json sidecar, which is not an article itself, and re-reads the file when the sidecar changes", async () => {
    write("halaman.html", `<html><head><link rel="canonical" href="https://lain.example/x"></head><body><article><h1>Judul</h1><p>${ARTICLE}</p></article></body></html>`);
    write("halaman.html.source.json", JSON.stringify({ url: "https://kota.example/berita/1", fetchedAt: "2024-03-05T01:00:00Z" }));
    const first = await scanKnowledge(dir);
    expect(first.articles.map((article) => [article.id, article.url])).toEqual([["halaman", "https://kota.example/berita/1"]]);

    write("halaman.html.source.json", JSON.stringify({ url: "https://kota.example/berita/2", fetchedAt: "2024-03-06T01:00:00Z" }));
    utimesSync(path.join(dir, "halaman.html.source.json"), new Date(), new Date(Date.now() + 5000));
    const second = await scanKnowledge(dir, new Map(first.articles.map((article) => [article.id, article])));
    expect(second.articles[0]!.url).toBe("https://kota.example/berita/2");

    write("halaman.html.source.json", "{ not json");
    utimesSync(path.join(dir, "halaman.html.source.json"), new Date(), new Date(Date.now() + 10_000));
    const broken = await scanKnowledge(dir);
    expect(broken.problems).toEqual([{ file: "halaman.html", message: expect.stringMatching(/halaman\.html\.source\.json is not valid JSON/) }]);
  });

  it("removes an article in a subfolder by id, moving its sidecar to .trash with it", async () => {
    write("regulasi/se-menpan.html", `<html><body><article><h1>Surat Edaran</h1><p>${ARTICLE}</p></article></body></html>`);
    write("regulasi/se-menpan.html.source.json", JSON.stringify({ url: "https://menpan.example/se", fetchedAt: "2024-01-01T00:00:00Z" }));
    write("se-menpan.txt", ARTICLE);
    expect(await deleteArticleFiles(dir, "regulasi/se-menpan")).toEqual(["regulasi/se-menpan.html"]);
    expect(readdirSync(path.join(dir, "regulasi"))).toEqual([]);
    const trashed = readdirSync(path.join(dir, TRASH_DIR));
    expect(trashed).toEqual([expect.stringMatching(/--regulasi__se-menpan\.html$/), expect.stringMatching(/--regulasi__se-menpan\.html\.source\.json$/)]);
    expect(existsSync(path.join(dir, "se-menpan.txt"))).toBe(true);
    // Paths that leave the folder name nothing in it.
    expect(await deleteArticleFiles(dir, "../../etc/passwd")).toEqual([]);
  });

  it("reports a bad PDF by its relative path and keeps reading the rest", async () => {
    write("berita.txt", ARTICLE);
    write("arsip/rusak.pdf", "%PDF-1.7\nnot really\n");
    const scan = await scanKnowledge(dir);
    expect(scan.articles.map((article) => article.id)).toEqual(["berita"]);
    expect(scan.problems).toEqual([{ file: "arsip/rusak.pdf", message: expect.stringMatching(/^arsip\/rusak\.pdf is truncated/) }]);
  });
});
