import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { articlePage, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";
import { createWorkspace, openEngine, type Workspace } from "../helpers/workspace.js";
import { ADMIN, harness, JOHN, textMessage } from "./helpers.js";

// The bot as production builds it, with the real engine, model and index behind /add, and a local web server.
let workspace: Workspace;
let engine: Engine;
let server: DocumentServer;

beforeAll(async () => {
  workspace = createWorkspace();
  workspace.settings.allowPrivateUrls = true;
  engine = await openEngine(workspace);
  server = await startDocumentServer({
    "/berita/kartu-identitas-anak.html": serve("text/html", articlePage("Kartu Identitas Anak Kini Bisa Diurus Daring", "Orang tua di Kota Teluk Biru dapat mengurus Kartu Identitas Anak lewat aplikasi Dukcapil Online tanpa datang ke kantor.")),
  });
});
afterAll(async () => {
  await engine.close();
  await server.close();
  workspace.cleanup();
});

describe("/add <link>", () => {
  it("fetches and indexes the page, editing one progress message into the report; questions are then answered from it", async () => {
    const h = harness({ deps: { engine } });
    const link = `${server.origin}/berita/kartu-identitas-anak.html`;
    await h.handle(textMessage(`/add ${link}`, { from: ADMIN }));
    const [progress] = h.sent("sendMessage");
    expect(progress?.text).toBe(`Fetching ${link}…`);
    const report = h.sent("editMessageText").at(-1)?.text as string;
    expect(report).toContain("Added article “Kartu Identitas Anak Kini Bisa Diurus Daring”");
    expect(report).toContain("added 1, updated 0, removed 0");
    h.reset();
    await h.handle(textMessage("Bagaimana mengurus Kartu Identitas Anak di Teluk Biru?"));
    expect(h.sent("sendMessage").at(-1)?.text).toContain("aplikasi Dukcapil Online");
  });

  it("explains the usage, refuses bad links with the reason, and is for admins only", async () => {
    const h = harness({ deps: { engine } });
    await h.handle(textMessage("/add", { from: ADMIN }));
    expect(h.sent("sendMessage").at(-1)?.text).toContain("Send /add <link>");
    await h.handle(textMessage("/add ftp://files.example.org/perpres.pdf", { from: ADMIN }));
    expect(h.sent("editMessageText").at(-1)?.text).toBe("The link was not added: ftp: links are not supported; use an http(s) link.");
    await h.handle(textMessage(`/add ${server.origin}/tidak-ada.html`, { from: ADMIN }));
    expect(h.sent("editMessageText").at(-1)?.text).toMatch(/^The link was not added: Not found \(HTTP 404\)/);
    h.reset();
    await h.handle(textMessage(`/add ${server.origin}/berita/kartu-identitas-anak.html`, { from: JOHN }));
    expect(h.sent("sendMessage").at(-1)?.text).toMatch(/admin/i);
    expect(h.sent("editMessageText")).toHaveLength(0);
  });
});
