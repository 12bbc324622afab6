import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { articlePage, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";
import { createWorkspace, openEngine, type Workspace } from "../helpers/workspace.js";

let workspace: Workspace;
let engine: Engine;
let server: DocumentServer;

beforeAll(async () => {
  workspace = createWorkspace();
  workspace.settings.allowPrivateUrls = true;
  engine = await openEngine(workspace);
  server = await startDocumentServer();
});
afterAll(async () => {
  await engine.close();
  await server.close();
  workspace.cleanup();
});

describe("Engine.addUrl", () => {
  it("fetches a page, indexes it and answers from it; the same link again replaces it", async () => {
    const link = `${server.origin}/berita/sistem-antrean-puskesmas.html`;
    server.routes.set("/berita/sistem-antrean-puskesmas.html", serve("text/html", articlePage("Sistem Antrean Puskesmas Daring", "Warga Kabupaten Lembah Hijau kini mengambil nomor antrean puskesmas lewat aplikasi SiAntre.")));
    const first = await engine.addUrl(link);
    expect(first.report.added).toEqual([first.article.id]);
    const answer = await engine.ask("Aplikasi apa untuk antrean puskesmas di Lembah Hijau?");
    expect(answer.found).toBe(true);
    expect(answer.quotes.flatMap((quote) => quote.sentences.map((sentence) => sentence.text)).join(" ")).toContain("SiAntre");

    server.routes.set("/berita/sistem-antrean-puskesmas.html", serve("text/html", articlePage("Sistem Antrean Puskesmas Daring", "Mulai bulan depan aplikasi SiAntre juga melayani pendaftaran posyandu bagi warga.")));
    const second = await engine.addUrl(link);
    expect(second.replaced).toEqual([first.article.file]);
    expect(second.report.updated).toEqual([first.article.id]);
    expect((await engine.ask("Apa yang dilayani SiAntre mulai bulan depan?")).quotes.flatMap((quote) => quote.sentences.map((sentence) => sentence.text)).join(" ")).toContain("posyandu");
  });

  it("a link that cannot be fetched changes neither the folder nor the index", async () => {
    const files = fs.readdirSync(workspace.knowledgeDir).sort();
    const generation = engine.current.generation;
    await expect(engine.addUrl(`${server.origin}/hilang.html`)).rejects.toThrow(/HTTP 404/);
    await expect(engine.addUrl("ftp://example.org/perpres.pdf")).rejects.toThrow(/ftp: links are not supported/);
    expect(fs.readdirSync(workspace.knowledgeDir).sort()).toEqual(files);
    expect(engine.current.generation).toBe(generation);
    expect(fs.existsSync(path.join(workspace.knowledgeDir, "hilang.html"))).toBe(false);
  });
});
