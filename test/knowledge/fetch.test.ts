import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAddress } from "../../src/knowledge/fetch/address-policy.js";
import { fetchDocument, type FetchOptions } from "../../src/knowledge/fetch/fetch-document.js";
import { articlePage, redirect, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";

const PDF_BYTES = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "latin1");
const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const LIMIT = 64 * 1024;

let server: DocumentServer;
const open: FetchOptions = { maxBytes: LIMIT, allowPrivate: true, timeoutMs: 2_000 };
const url = (path: string) => `${server.origin}${path}`;

beforeAll(async () => {
  server = await startDocumentServer({
    "/berita/layanan-publik-digital.html": serve("text/html; charset=utf-8", articlePage("Layanan Publik Digital", "Pemerintah kota meluncurkan layanan digital.")),
    "/perpres-95-2018.pdf": serve("application/pdf", PDF_BYTES),
    "/download.php": serve("application/octet-stream", PDF_BYTES, { "content-disposition": 'attachment; filename="Perpres Nomor 95 Tahun 2018.pdf"' }),
    "/pedoman.docx": serve(DOCX_TYPE, Buffer.from("PK\u0003\u0004 docx bytes")),
    "/catatan.txt": serve("text/plain; charset=iso-8859-1", Buffer.from("Pelayanan publik di Daerah Istimewa \u00e9\u00e8.", "latin1")),
    "/a": redirect("/b"),
    // An absolute location, as most servers send.
    "/b": (request, response) => redirect(`http://${request.headers.host}/berita/layanan-publik-digital.html`, 301)(request, response),
    "/loop-a": redirect("/loop-b"),
    "/loop-b": redirect("/loop-a"),
    ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`/hop-${i}`, redirect(i === 6 ? "/catatan.txt" : `/hop-${i + 1}`)])),
    "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-metadata-name": redirect("http://metadata.google.internal/computeMetadata/v1/"),
    "/to-file": redirect("file:///etc/passwd"),
    "/slow": (_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.write("<html><body>");
      const timer = setTimeout(() => response.end("late</body></html>"), 5_000);
      response.on("close", () => clearTimeout(timer));
    },
    "/missing": (_request, response) => response.writeHead(404).end(),
    "/broken": (_request, response) => response.writeHead(500).end("oops"),
    "/big-declared": serve("text/html", "x".repeat(LIMIT + 1)),
    "/big-chunked": (_request, response) => {
      // No Content-Length: the limit has to be enforced while the body streams.
      response.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
      const chunk = "y".repeat(8 * 1024);
      let sent = 0;
      const push = () => {
        if (response.destroyed || sent > LIMIT * 4) return response.end();
        sent += chunk.length;
        response.write(chunk, () => setImmediate(push));
      };
      push();
    },
    "/image.png": serve("image/png", Buffer.from([0x89, 0x50, 0x4e, 0x47])),
    "/compressed.html": serve("text/html", gzipSync(articlePage("Halaman Terkompresi", "Server ini selalu mengompresi halamannya.")), { "content-encoding": "gzip" }),
    "/gzip-bomb.html": serve("text/html", gzipSync(Buffer.alloc(LIMIT * 50, 0x20)), { "content-encoding": "gzip" }),
    "/damaged-gzip.html": serve("text/html", Buffer.from("this is not gzip at all"), { "content-encoding": "gzip" }),
    "/unknown-binary": serve("application/octet-stream", Buffer.from([1, 2, 3, 4])),
    "/empty": serve("text/html", ""),
  });
});
afterAll(() => server.close());

describe("fetchDocument: what a link may serve", () => {
  it("fetches an HTML page with its type, final URL and a file name from the URL", async () => {
    const page = await fetchDocument(url("/berita/layanan-publik-digital.html"), open);
    expect(page).toMatchObject({ mediaType: "text/html", finalUrl: url("/berita/layanan-publik-digital.html"), suggestedFileName: "layanan-publik-digital.html" });
    expect(page.bytes.toString("utf8")).toContain("Pemerintah kota meluncurkan layanan digital.");
  });

  it("keeps PDF and DOCX bytes as they are, named by their type", async () => {
    const pdf = await fetchDocument(url("/perpres-95-2018.pdf"), open);
    expect(pdf).toMatchObject({ mediaType: "application/pdf", suggestedFileName: "perpres-95-2018.pdf" });
    expect(pdf.bytes.equals(PDF_BYTES)).toBe(true);
    expect(await fetchDocument(url("/pedoman.docx"), open)).toMatchObject({ mediaType: DOCX_TYPE, suggestedFileName: "pedoman.docx" });
  });

  it("recognises a PDF served as generic binary and takes the server's file name", async () => {
    expect(await fetchDocument(url("/download.php"), open)).toMatchObject({ mediaType: "application/pdf", suggestedFileName: "perpres-nomor-95-tahun-2018.pdf" });
  });

  it("re-encodes text in another charset as UTF-8", async () => {
    const text = await fetchDocument(url("/catatan.txt"), open);
    expect(text.mediaType).toBe("text/plain");
    expect(text.bytes.toString("utf8")).toBe("Pelayanan publik di Daerah Istimewa éè.");
  });

  it("decompresses a body the server compressed without being asked", async () => {
    const page = await fetchDocument(url("/compressed.html"), open);
    expect(page.bytes.toString("utf8")).toContain("Server ini selalu mengompresi halamannya.");
  });

  it("follows redirects and reports where the document came from", async () => {
    const page = await fetchDocument(url("/a"), open);
    expect(page.finalUrl).toBe(url("/berita/layanan-publik-digital.html"));
  });
});

describe("fetchDocument: clear refusals", () => {
  const refusal = (path: string, options: Partial<FetchOptions> = {}) => fetchDocument(path.startsWith("/") ? url(path) : path, { ...open, ...options });

  it.each([
    ["/loop-a", /redirects in a loop/],
    ["/hop-0", /redirects more than 5 times/],
    ["/missing", /Not found \(HTTP 404\)/],
    ["/broken", /answered HTTP 500/],
    ["/big-declared", /is 0\.1 MB; the limit is 0\.1 MB|larger than the limit/],
    ["/big-chunked", /larger than the limit of 0\.1 MB/],
    ["/gzip-bomb.html", /larger than the limit of 0\.1 MB/],
    ["/damaged-gzip.html", /damaged gzip body/],
    ["/image.png", /Unsupported document type image\/png/],
    ["/unknown-binary", /Unsupported document type application\/octet-stream/],
    ["/empty", /sent an empty document/],
  ])("%s → %s", async (path, message) => {
    await expect(refusal(path)).rejects.toThrow(message);
  });

  it("gives up on a slow server at the deadline", async () => {
    const started = Date.now();
    await expect(refusal("/slow", { timeoutMs: 300 })).rejects.toThrow(/did not answer within/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("refuses other schemes", async () => {
    await expect(refusal("file:///etc/passwd")).rejects.toThrow(/file: links are not supported/);
    await expect(refusal("ftp://ftp.example.org/perpres.pdf")).rejects.toThrow(/ftp: links are not supported/);
    await expect(refusal("data:text/html,<p>x</p>")).rejects.toThrow(/data: links are not supported/);
    await expect(refusal("not a url")).rejects.toThrow(/not a valid URL/);
  });

  it("refuses loopback without ALLOW_PRIVATE_URLS, by address and by a name that resolves to it", async () => {
    await expect(refusal("/berita/layanan-publik-digital.html", { allowPrivate: false })).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    const port = new URL(server.origin).port;
    await expect(refusal(`http://localhost:${port}/berita/layanan-publik-digital.html`, { allowPrivate: false })).rejects.toThrow(/localhost resolves to .* loopback address/);
    await expect(refusal(`http://[::ffff:127.0.0.1]:${port}/`, { allowPrivate: false })).rejects.toThrow(/loopback address/);
  });

  it("re-checks every redirect: metadata endpoints and other schemes stay refused even for an allowed start", async () => {
    await expect(refusal("/to-metadata")).rejects.toThrow(/169\.254\.169\.254 is a cloud metadata address/);
    await expect(refusal("/to-metadata-name")).rejects.toThrow(/metadata\.google\.internal is a cloud metadata host/);
    await expect(refusal("/to-file")).rejects.toThrow(/file: links are not supported/);
  });
});

describe("address policy", () => {
  it.each([
    "127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fc00::1", "fd12:3456::1",
    "169.254.10.1", "fe80::1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:1",
  ])("refuses %s", (address) => {
    expect(checkAddress(address, false)).toBeDefined();
  });

  it("lets public addresses through", () => {
    expect(checkAddress("93.184.216.34", false)).toBeUndefined();
    expect(checkAddress("2606:4700:4700::1111", false)).toBeUndefined();
  });

  it("opens private ranges with ALLOW_PRIVATE_URLS but never the metadata endpoints", () => {
    expect(checkAddress("10.1.2.3", true)).toBeUndefined();
    expect(checkAddress("127.0.0.1", true)).toBeUndefined();
    expect(checkAddress("169.254.169.254", true)).toMatch(/metadata/);
    expect(checkAddress("fd00:ec2::254", true)).toMatch(/metadata/);
    expect(checkAddress("::ffff:169.254.169.254", true)).toMatch(/metadata/);
  });
});
