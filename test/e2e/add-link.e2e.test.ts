import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotApi, type ChatHandle, type FakeBotApi } from "../fake-bot-api/index.js";
import { articlePage, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";
import { startBotProcess, tail, type BotProcess } from "./bot-process.js";

/*
 * End to end: an admin adds a web page by link. The real bot process (real engine, model and index) against the
 * fake Telegram Bot API, fetching from a web server on 127.0.0.1 (allowed by ALLOW_PRIVATE_URLS=true).
 */

const TOKEN = "7000000002:AAFakeTokenForLinkEndToEndTests_tan";
const ADMIN_ID = 91001;
const SLOW = { timeoutMs: 120_000 };
const PAGE = "/berita/layanan-paspor-daring.html";

let api: FakeBotApi;
let web: DocumentServer;
let bot: BotProcess | undefined;
let adminChat: ChatHandle;

function page(sentence: string) {
  return serve("text/html; charset=utf-8", articlePage("Imigrasi Kota Tanjung Sari Buka Layanan Paspor Daring", sentence));
}

beforeAll(async () => {
  web = await startDocumentServer({ [PAGE]: page("Kantor Imigrasi Tanjung Sari kini menerima permohonan paspor lewat aplikasi M-Paspor setiap hari kerja.") });
  api = await startFakeBotApi({ token: TOKEN, botUsername: "TanyaLinkBot", defaultTimeoutMs: 30_000, queryTtlMs: 60_000 });
  adminChat = api.privateChat({ id: ADMIN_ID, first_name: "Admin", language_code: "en" });
  bot = startBotProcess({ token: TOKEN, apiRoot: api.apiRoot, adminIds: [ADMIN_ID], env: { ALLOW_PRIVATE_URLS: "true" } });
  try {
    await api.waitForPolling({ timeoutMs: 240_000 });
  } catch (error) {
    throw new Error(`bot did not start polling: ${(error as Error).message}\n--- bot log ---\n${tail(bot)}`);
  }
}, 300_000);

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(`--- bot log (last lines) ---\n${tail(bot, 60)}`);
});

afterAll(async () => {
  bot?.cleanup();
  await api?.stop();
  await web?.close();
});

describe("admin adds a link", () => {
  it("/add <link>: progress, then the report; the page answers questions; adding it again replaces it", async () => {
    const link = `${web.origin}${PAGE}`;
    await api.sendUserMessage({ chat: adminChat, text: `/add ${link}` });
    const progress = await api.waitForBotMessage({ chat: adminChat, ...SLOW });
    expect(progress.text).toBe(`Fetching ${link}…`);
    const done = await api.waitForBotEdit({ chat: adminChat, messageId: progress.messageId, predicate: (_message, version) => version.text.includes("Added article"), ...SLOW });
    expect(done.version.text).toContain("Imigrasi Kota Tanjung Sari Buka Layanan Paspor Daring");
    expect(done.version.text).toContain("added 1, updated 0, removed 0");
    expect(JSON.parse(readFileSync(path.join(bot!.knowledgeDir, "layanan-paspor-daring.html.source.json"), "utf8")).url).toBe(link);

    const chat = api.privateChat({ id: 61_001, first_name: "Warga", language_code: "id" });
    await api.sendUserMessage({ chat, text: "Lewat aplikasi apa permohonan paspor di Tanjung Sari?" });
    const answer = await api.waitForBotMessage({ chat, ...SLOW });
    expect(answer.text).toContain("aplikasi M-Paspor");
    expect(answer.text).toContain("Imigrasi Kota Tanjung Sari Buka Layanan Paspor Daring");

    web.routes.set(PAGE, page("Mulai Januari permohonan paspor di Tanjung Sari juga dapat diajukan lewat mal pelayanan publik."));
    api.skipBotMessages(adminChat);
    await api.sendUserMessage({ chat: adminChat, text: `/add ${link}` });
    const again = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("Added article"), ...SLOW });
    expect(again.version.text).toContain("It replaces: layanan-paspor-daring.html");
    expect(again.version.text).toContain("added 0, updated 1, removed 0");
  }, 240_000);

  it("a bad link gets the reason and changes nothing; non-admins are refused", async () => {
    api.skipBotMessages(adminChat);
    await api.sendUserMessage({ chat: adminChat, text: `/add ${web.origin}/tidak-ada.html` });
    const refused = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("was not added"), ...SLOW });
    expect(refused.version.text).toMatch(/The link was not added: Not found \(HTTP 404\)/);
    expect(existsSync(path.join(bot!.knowledgeDir, "tidak-ada.html"))).toBe(false);

    const chat = api.privateChat({ id: 61_002, first_name: "Bukan Admin", language_code: "en" });
    await api.sendUserMessage({ chat, text: `/add ${web.origin}${PAGE}` });
    expect((await api.waitForBotMessage({ chat, ...SLOW })).text).toContain("only the bot's administrators");
  });
});
