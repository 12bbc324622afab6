import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchDocument, type FetchOptions } from "../../src/knowledge/fetch/fetch-document.js";
import { saveFetchedDocument } from "../../src/knowledge/fetch/save-link.js";
import { ArticleError } from "../../src/knowledge/parse.js";
import { articlePage, redirect, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";

const options: FetchOptions = { maxBytes: 1024 * 1024, allowPrivate: true, timeoutMs: 2_000 };
let server: DocumentServer;
let dir: string;

/** Everything in the folder (trash included), as relative paths, so "changes nothing" can be asserted exactly. */
function listing(): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

async function addLink(link: string) {
  return saveFetchedDocument(dir, link, await fetchDocument(link, options));
}

beforeAll(async () => {
  server = await startDocumentServer({ "/go": redirect("/berita/smart-city.html") });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tanya-links-"));
  server.routes.set("/berita/smart-city.html", serve("text/html", articlePage("Gerakan Smart City", "Kota Contoh memulai gerakan kota cerdas.")));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("saving a fetched link into the knowledge folder", () => {
  it("stores the page under a name from its URL with a sidecar naming the URL", async () => {
    const link = `${server.origin}/berita/smart-city.html`;
    const saved = await addLink(link);
    expect(saved.file).toBe("smart-city.html");
    expect(saved.article.title).toBe("Gerakan Smart City");
    expect(fs.readFileSync(path.join(dir, "smart-city.html"), "utf8")).toContain("Kota Contoh memulai gerakan kota cerdas.");
    const sidecar = JSON.parse(fs.readFileSync(path.join(dir, "smart-city.html.source.json"), "utf8"));
    expect(sidecar.url).toBe(link);
    expect(Number.isNaN(Date.parse(sidecar.fetchedAt))).toBe(false);
  });

  it("adding the same link again replaces the earlier file, which goes to .trash", async () => {
    const link = `${server.origin}/berita/smart-city.html`;
    await addLink(link);
    server.routes.set("/berita/smart-city.html", serve("text/html", articlePage("Gerakan Smart City", "Versi kedua halaman ini sudah diperbarui.")));
    const again = await addLink(link);
    expect(again.replaced).toEqual(["smart-city.html"]);
    expect(fs.readFileSync(path.join(dir, "smart-city.html"), "utf8")).toContain("Versi kedua halaman ini sudah diperbarui.");
    const trashed = fs.readdirSync(path.join(dir, ".trash"));
    expect(trashed).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, ".trash", trashed[0]!), "utf8")).toContain("Kota Contoh memulai gerakan kota cerdas.");
    expect(fs.readdirSync(dir).filter((name) => !name.startsWith("."))).toEqual(["smart-city.html", "smart-city.html.source.json"]);
  });

  it("a link that redirects is found again by the link the admin gave, and cites where it landed", async () => {
    const first = await addLink(`${server.origin}/go`);
    const second = await addLink(`${server.origin}/go`);
    expect(second.file).toBe(first.file);
    const sidecar = JSON.parse(fs.readFileSync(path.join(dir, `${first.file}.source.json`), "utf8"));
    expect(sidecar).toMatchObject({ url: `${server.origin}/berita/smart-city.html`, requestedUrl: `${server.origin}/go` });
  });

  it("never overwrites an article that came from elsewhere under the same name", async () => {
    fs.writeFileSync(path.join(dir, "smart-city.txt"), "Artikel lain yang ditulis admin sendiri tentang kota cerdas dan layanan warga di daerah.\n");
    const saved = await addLink(`${server.origin}/berita/smart-city.html`);
    expect(saved.file).toBe("smart-city-2.html");
    expect(saved.replaced).toEqual([]);
    expect(fs.existsSync(path.join(dir, "smart-city.txt"))).toBe(true);
  });

  it("a failing fetch or a document that is not an article changes nothing", async () => {
    await addLink(`${server.origin}/berita/smart-city.html`);
    const before = listing();
    await expect(addLink(`${server.origin}/missing.html`)).rejects.toThrow(/HTTP 404/);
    server.routes.set("/berita/smart-city.html", serve("text/html", "<html><body><p>Terlalu pendek.</p></body></html>"));
    await expect(addLink(`${server.origin}/berita/smart-city.html`)).rejects.toThrow(ArticleError);
    expect(listing()).toEqual(before);
    expect(fs.readFileSync(path.join(dir, "smart-city.html"), "utf8")).toContain("Kota Contoh memulai gerakan kota cerdas.");
  });
});
