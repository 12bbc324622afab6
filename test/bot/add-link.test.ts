import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { articlePage, serve } from "../helpers/document-server.js";
import { openLinkWorkspace, type LinkWorkspace } from "../helpers/link-workspace.js";
import { ADMIN, harness, JOHN, textMessage } from "./helpers.js";

// The bot as production builds it, with the real engine, model and index behind /add, and a local web server.
let links: LinkWorkspace;

beforeAll(async () => {
  links = await openLinkWorkspace({
    "/berita/kartu-identitas-anak.html": serve("text/html", articlePage("Kartu Identitas Anak Kini Bisa Diurus Daring", "Orang tua di Kota Teluk Biru dapat mengurus Kartu Identitas Anak lewat aplikasi Dukcapil Online tanpa datang ke kantor.")),
  });
});
afterAll(() => links.close());

describe("/add <link>", () => {
  it("fetches and indexes the page, editing one progress message into the report; questions are then answered from it", async () => {
    const h = harness({ deps: { engine: links.engine } });
    const link = `${links.server.origin}/berita/kartu-identitas-anak.html`;
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
    const h = harness({ deps: { engine: links.engine } });
    await h.handle(textMessage("/add", { from: ADMIN }));
    expect(h.sent("sendMessage").at(-1)?.text).toContain("Send /add <link>");
    await h.handle(textMessage("/add ftp://files.example.org/perpres.pdf", { from: ADMIN }));
    expect(h.sent("editMessageText").at(-1)?.text).toBe("The link was not added: ftp: links are not supported; use an http(s) link.");
    await h.handle(textMessage(`/add ${links.server.origin}/tidak-ada.html`, { from: ADMIN }));
    expect(h.sent("editMessageText").at(-1)?.text).toMatch(/^The link was not added: Not found \(HTTP 404\)/);
    h.reset();
    await h.handle(textMessage(`/add ${links.server.origin}/berita/kartu-identitas-anak.html`, { from: JOHN }));
    expect(h.sent("sendMessage").at(-1)?.text).toMatch(/admin/i);
    expect(h.sent("editMessageText")).toHaveLength(0);
  });
});
