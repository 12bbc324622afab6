import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { articlePage, serve } from "../helpers/document-server.js";
import { openLinkWorkspace, type LinkWorkspace } from "../helpers/link-workspace.js";

let links: LinkWorkspace;

async function quotedText(question: string): Promise<string> {
  const answer = await links.engine.ask(question);
  return answer.quotes.flatMap((quote) => quote.sentences.map((sentence) => sentence.text)).join(" ");
}

beforeAll(async () => {
  links = await openLinkWorkspace();
});
afterAll(() => links.close());

describe("Engine.addUrl", () => {
  it("fetches a page, indexes it and answers from it; the same link again replaces it", async () => {
    const link = `${links.server.origin}/berita/sistem-antrean-puskesmas.html`;
    links.server.routes.set("/berita/sistem-antrean-puskesmas.html", serve("text/html", articlePage("Sistem Antrean Puskesmas Daring", "Warga Kabupaten Lembah Hijau kini mengambil nomor antrean puskesmas lewat aplikasi SiAntre.")));
    const first = await links.engine.addUrl(link);
    expect(first.report.added).toEqual([first.article.id]);
    expect(await quotedText("Aplikasi apa untuk antrean puskesmas di Lembah Hijau?")).toContain("SiAntre");

    links.server.routes.set("/berita/sistem-antrean-puskesmas.html", serve("text/html", articlePage("Sistem Antrean Puskesmas Daring", "Mulai bulan depan aplikasi SiAntre juga melayani pendaftaran posyandu bagi warga.")));
    const second = await links.engine.addUrl(link);
    expect(second.replaced).toEqual([first.article.file]);
    expect(second.report.updated).toEqual([first.article.id]);
    expect(await quotedText("Apa yang dilayani SiAntre mulai bulan depan?")).toContain("posyandu");
  });

  it("a link that cannot be fetched changes neither the folder nor the index", async () => {
    const files = fs.readdirSync(links.workspace.knowledgeDir).sort();
    const generation = links.engine.current.generation;
    await expect(links.engine.addUrl(`${links.server.origin}/hilang.html`)).rejects.toThrow(/HTTP 404/);
    await expect(links.engine.addUrl("ftp://example.org/perpres.pdf")).rejects.toThrow(/ftp: links are not supported/);
    expect(fs.readdirSync(links.workspace.knowledgeDir).sort()).toEqual(files);
    expect(links.engine.current.generation).toBe(generation);
    expect(fs.existsSync(path.join(links.workspace.knowledgeDir, "hilang.html"))).toBe(false);
  });
});
