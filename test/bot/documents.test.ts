import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/bot.js";
import { runBot, type RunningBot } from "../../src/bot/run.js";
import { DOCUMENT_FILE_IDS_FILE } from "../../src/bot/state/document-file-ids.js";
import { openState, type BotState } from "../../src/bot/state/open-state.js";
import { DEFAULT_BOT_OPTIONS } from "../../src/bot/types.js";
import type { Settings } from "../../src/config/settings.js";
import type { Engine } from "../../src/engine/engine.js";
import { startFakeBotApi, type BotMessage, type ChatHandle, type FakeBotApi } from "../fake-bot-api/index.js";
import { callbackDataOf, entityTextsOf } from "../helpers/bot-messages.js";
import { articlePage, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";
import { buildDocx, buildEncryptedPdf, buildPdf, legacyDocBytes, regulationSpec } from "../helpers/documents.js";
import { scannedPdf } from "../helpers/scanned-pdf.js";
import { createWorkspace, openEngine, silentLogger, type Workspace } from "../helpers/workspace.js";

/*
 * Documents through the bot, over real HTTP: the bot (createBot + long polling) against the fake Bot API, the
 * real engine, model and index over a temp knowledge folder, and a web server on 127.0.0.1 for links. Admins
 * upload PDFs and send links; readers get answers citing pages and the source document itself.
 */

const TOKEN = "555000111:AADocumentsSuiteTokenThatStaysHidden";
const ADMIN_ID = 4242;
const LIBRARY_DOCX = "pedoman/perpustakaan-digital.docx";
const LIBRARY_SENTENCE = "Perpustakaan Digital Kota Teluk Biru melayani peminjaman buku elektronik bagi warga selama dua puluh empat jam setiap hari.";
const PARKING_DOCX = "pedoman/parkir-elektronik.docx";
const PARKING_SENTENCE = "Retribusi parkir tepi jalan di Kota Teluk Biru dibayar nontunai melalui aplikasi Parkir Pintar sejak awal tahun.";
const LINK_PATH = "/berita/posyandu-digital.html";

let workspace: Workspace;
let engine: Engine;
let api: FakeBotApi;
let web: DocumentServer;
let state: BotState;
let running: RunningBot;
let admin: ChatHandle;
let users = 0;

function reader(languageCode = "id"): ChatHandle {
  const id = 70_000 + ++users;
  return api.privateChat({ id, first_name: `Pembaca${id}`, language_code: languageCode });
}

function buttonLabels(message: BotMessage): string[] {
  return (message.message.reply_markup?.inline_keyboard ?? []).flat().map((button) => button.text);
}

async function ask(chat: ChatHandle, text: string): Promise<BotMessage> {
  await api.sendUserMessage({ chat, text });
  return api.waitForBotMessage({ chat, timeoutMs: 60_000 });
}

/** Presses the answer's document button and returns the document message it brings. */
async function pressDocument(chat: ChatHandle, answer: BotMessage, data: string): Promise<BotMessage> {
  const id = await api.pressButton({ message: answer, callbackData: data, from: chat.user! });
  await api.waitForCallbackAnswer(id);
  return api.waitForBotMessage({ chat, predicate: (message) => message.document !== undefined, timeoutMs: 30_000 });
}

/** Every entry of the knowledge folder (dot-folders included), files with their size: what "nothing changed" compares. */
function folderListing(): string[] {
  return readdirSync(workspace.knowledgeDir, { recursive: true, encoding: "utf8" })
    .map((name) => {
      const stat = statSync(path.join(workspace.knowledgeDir, name));
      return stat.isFile() ? `${name}:${stat.size}` : name;
    })
    .sort();
}

async function putDocx(relative: string, title: string, sentences: string[]): Promise<void> {
  const target = path.join(workspace.knowledgeDir, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, await buildDocx([{ heading: 1, text: title }, ...sentences.map((text) => ({ text }))]));
}

beforeAll(async () => {
  workspace = createWorkspace();
  workspace.settings.allowPrivateUrls = true;
  await putDocx(LIBRARY_DOCX, "Pedoman Layanan Perpustakaan Digital", [LIBRARY_SENTENCE, "Warga cukup mendaftar dengan nomor induk kependudukan untuk meminjam paling banyak lima buku sekaligus."]);
  await putDocx(PARKING_DOCX, "Pedoman Parkir Elektronik", [PARKING_SENTENCE, "Petugas parkir memeriksa bukti pembayaran dengan memindai kode QR pada kaca depan kendaraan."]);
  engine = await openEngine(workspace);
  web = await startDocumentServer({
    [LINK_PATH]: serve("text/html; charset=utf-8", articlePage("Posyandu Desa Sukamaju Catat Balita Lewat Aplikasi", "Kader Posyandu Desa Sukamaju kini mencatat tumbuh kembang balita lewat aplikasi Posyandu Digital di ponsel mereka.")),
  });
  api = await startFakeBotApi({ token: TOKEN, botUsername: "TanyaEgovBot", defaultTimeoutMs: 30_000, queryTtlMs: 60_000 });
  admin = api.privateChat({ id: ADMIN_ID, first_name: "Admin", language_code: "id" });
  const telegram: Settings["telegram"] = { token: TOKEN, apiRoot: api.apiRoot, adminUserIds: new Set([ADMIN_ID]), allowedChatIds: undefined, webhookUrl: undefined, webhookSecret: undefined, webhookPort: 0, maxUploadBytes: workspace.settings.telegram.maxUploadBytes };
  state = await openState({ dataDir: workspace.dataDir, redisUrl: undefined, buttons: DEFAULT_BOT_OPTIONS.answerCache }, silentLogger);
  const app = createBot({ engine, settings: { telegram }, logger: silentLogger, stats: state.stats, gaps: state.gaps, state, options: { progressEditIntervalMs: 0, pollTimeoutSeconds: 1 } });
  running = await runBot(app, { settings: { telegram }, logger: silentLogger, graceMs: 5_000 });
}, 240_000);

afterAll(async () => {
  await running?.stop();
  await state?.close();
  await api?.stop();
  await web?.close();
  await engine?.close();
  workspace?.cleanup();
});

describe("documents through the bot", () => {
  it("an admin's PDF: page progress, the report, an answer citing Pasal and page, and the document sent by its file id", async () => {
    const pdf = await buildPdf(regulationSpec());
    const upload = await api.sendUserDocument({ chat: admin, fileName: "Perpres 95 2018.pdf", content: Buffer.from(pdf) });
    const done = await api.waitForBotEdit({ chat: admin, predicate: (_message, version) => /Added article|was not added/.test(version.text), timeoutMs: 120_000 });
    expect(done.version.text).toContain("Added article");
    expect(done.version.text).toContain("added 1, updated 0, removed 0");
    // One progress message, edited: the pages as they were read (the admin's language is Indonesian), then the report.
    const texts = done.message.versions.map((version) => version.text);
    expect(texts[0]).toContain("Received Perpres 95 2018.pdf");
    expect(texts.some((text) => /Membaca PDF: halaman \d+\/4/.test(text))).toBe(true);
    expect(api.botMessages(admin)).toHaveLength(1);

    const chat = reader("id");
    const answer = await ask(chat, "Apa tujuan Arsitektur SPBE Nasional?");
    expect(entityTextsOf(answer, "blockquote").some((quote) => quote.includes("bertujuan untuk memberikan panduan"))).toBe(true);
    expect(answer.text).toMatch(/\[\d\] Peraturan Presiden .*Pasal 5, hlm\. 3/);
    const documentButton = callbackDataOf(answer).find((data) => data.startsWith("d:"));
    expect(documentButton).toBeDefined();
    expect(buttonLabels(answer)).toContain(`📎 Dokumen [${documentButton!.split(":")[2]}]`);

    const uploadsBefore = api.calls("sendDocument").length;
    const sent = await pressDocument(chat, answer, documentButton!);
    // The admin's upload is resent by its file id: the same file, nothing uploaded again.
    expect(sent.document?.file_id).toBe(upload.document!.file_id);
    expect(sent.replyToMessageId).toBe(answer.messageId);
    expect(sent.text).toContain("Peraturan Presiden");
    const calls = api.calls("sendDocument").slice(uploadsBefore);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.files).toHaveLength(0);
  });

  it("a document from the folder is uploaded once, then resent by its file id (remembered in DATA_DIR)", async () => {
    const chat = reader("en");
    const answer = await ask(chat, "How long does the digital library lend e-books?");
    expect(answer.text).toContain("Pedoman Layanan Perpustakaan Digital");
    const button = callbackDataOf(answer).find((data) => data.startsWith("d:"));
    expect(button).toBeDefined();
    expect(buttonLabels(answer).some((label) => label.startsWith("📎 Document ["))).toBe(true);

    const before = api.calls("sendDocument").length;
    const first = await pressDocument(chat, answer, button!);
    const second = await pressDocument(chat, answer, button!);
    const calls = api.calls("sendDocument").slice(before);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.files.length).toBe(1);
    expect(calls[1]!.files).toHaveLength(0);
    expect(second.document?.file_id).toBe(first.document?.file_id);
    expect(first.document?.file_name).toBe("perpustakaan-digital.docx");
    expect(api.file(first.document!.file_id)?.data.equals(readFileSync(path.join(workspace.knowledgeDir, LIBRARY_DOCX)))).toBe(true);
    await state.close();
    expect(readFileSync(path.join(workspace.dataDir, DOCUMENT_FILE_IDS_FILE), "utf8")).toContain(first.document!.file_id);
  });

  it("a scanned letter: OCR progress per page, an answer citing the page as OCR text", async () => {
    const scan = await scannedPdf([
      ["SURAT EDARAN NOMOR 9 TAHUN 2024", "Dengan ini diberitahukan kepada seluruh camat mengenai layanan kartu keluarga."],
      ["Mulai bulan Agustus kartu keluarga dicetak mandiri oleh warga di anjungan dukcapil kecamatan.", "Demikian surat edaran ini untuk dilaksanakan."],
    ]);
    await api.sendUserDocument({ chat: admin, fileName: "surat-edaran-kk.pdf", content: Buffer.from(scan) });
    const done = await api.waitForBotEdit({ chat: admin, predicate: (_message, version) => /Added article|was not added/.test(version.text), timeoutMs: 120_000 });
    expect(done.version.text).toContain("Added article");
    expect(done.message.versions.some((version) => /OCR halaman \d\/2/.test(version.text))).toBe(true);
    const answer = await ask(reader("id"), "Di mana warga mencetak kartu keluarga secara mandiri mulai Agustus?");
    expect(answer.text).toContain("anjungan dukcapil kecamatan");
    expect(answer.text).toMatch(/hlm\. 2, hasil OCR/);
  });

  it("never sends a file from outside the knowledge folder: a cited document turned into a link to elsewhere is refused", async () => {
    const chat = reader("en");
    const answer = await ask(chat, "How is street parking paid in Teluk Biru?");
    expect(entityTextsOf(answer, "blockquote").some((quote) => quote.includes("Parkir Pintar"))).toBe(true);
    const button = callbackDataOf(answer).find((data) => data.startsWith("d:"));
    expect(button).toBeDefined();
    const file = path.join(workspace.knowledgeDir, PARKING_DOCX);
    const original = readFileSync(file);
    const secret = path.join(workspace.root, "secret.docx");
    writeFileSync(secret, "not for readers");
    rmSync(file);
    symlinkSync(secret, file);
    try {
      const before = api.calls("sendDocument").length;
      const id = await api.pressButton({ message: answer, callbackData: button!, from: chat.user! });
      await api.waitForCallbackAnswer(id);
      const reply = await api.waitForBotMessage({ chat, timeoutMs: 30_000 });
      expect(reply.text).toBe("That source document is no longer in the knowledge base.");
      expect(reply.replyToMessageId).toBe(answer.messageId);
      expect(api.calls("sendDocument").slice(before)).toHaveLength(0);
    } finally {
      rmSync(file);
      writeFileSync(file, original);
    }
  });

  it("in a group the document goes to the group, threaded to the answer", async () => {
    const group = api.groupChat({ title: "Dinas Perhubungan", botIsAdmin: false });
    const member = api.user({ id: 71_999, first_name: "Budi", language_code: "id" });
    await api.sendUserMessage({ chat: group, from: member, text: "/ask@TanyaEgovBot Bagaimana retribusi parkir tepi jalan di Teluk Biru dibayar?" });
    const answer = await api.waitForBotMessage({ chat: group, timeoutMs: 60_000 });
    const button = callbackDataOf(answer).find((data) => data.startsWith("d:"));
    expect(button).toBeDefined();
    const id = await api.pressButton({ message: answer, callbackData: button!, from: member });
    await api.waitForCallbackAnswer(id);
    const sent = await api.waitForBotMessage({ chat: group, predicate: (message) => message.document !== undefined, timeoutMs: 30_000 });
    expect(sent.document?.file_name).toBe("parkir-elektronik.docx");
    expect(sent.replyToMessageId).toBe(answer.messageId);
  });

  it("an admin's link sent alone is added like /add, with page progress and a note; its answers link to the page, without a document button", async () => {
    const link = `${web.origin}${LINK_PATH}`;
    await api.sendUserMessage({ chat: admin, text: link });
    const done = await api.waitForBotEdit({ chat: admin, predicate: (_message, version) => /Added article|was not added/.test(version.text), timeoutMs: 120_000 });
    expect(done.message.versions[0]!.text).toBe(`Fetching ${link}…`);
    expect(done.version.text).toContain("Added article “Posyandu Desa Sukamaju Catat Balita Lewat Aplikasi”");
    expect(done.version.text).toContain("A link sent alone is added to the knowledge base");

    const answer = await ask(reader("id"), "Bagaimana kader Posyandu Sukamaju mencatat tumbuh kembang balita?");
    expect(answer.text).toContain("aplikasi Posyandu Digital");
    expect(answer.entities.some((entity) => entity.type === "text_link" && entity.url.startsWith(link))).toBe(true);
    expect(callbackDataOf(answer).some((data) => data.startsWith("d:"))).toBe(false);

    // From a reader, a link alone is a question like any other text, not an addition.
    const chat = reader("en");
    const reply = await ask(chat, link);
    expect(reply.text).not.toContain("Fetching");
  });

  it("bad documents get a clear message and change nothing: encrypted PDF, a lying extension, an old .doc", async () => {
    const listing = folderListing();
    const articles = engine.articles().length;
    const generation = engine.current.generation;

    await api.sendUserDocument({ chat: admin, fileName: "rahasia.pdf", content: Buffer.from(await buildEncryptedPdf()) });
    const encrypted = await api.waitForBotEdit({ chat: admin, predicate: (_message, version) => /Added article|was not added/.test(version.text), timeoutMs: 60_000 });
    expect(encrypted.version.text).toMatch(/The file was not added: .*(encrypted|password)/i);

    await api.sendUserDocument({ chat: admin, fileName: "pedoman.docx", content: Buffer.from(await buildPdf(regulationSpec())) });
    const lying = await api.waitForBotEdit({ chat: admin, predicate: (_message, version) => /Added article|was not added/.test(version.text), timeoutMs: 60_000 });
    expect(lying.version.text).toContain("is really a PDF file, not .docx");

    await api.sendUserDocument({ chat: admin, fileName: "laporan.doc", content: Buffer.from(legacyDocBytes()) });
    const old = await api.waitForBotMessage({ chat: admin, predicate: (message) => message.text.includes("laporan.doc") });
    expect(old.text).toContain("save it as .docx or PDF");

    expect(folderListing()).toEqual(listing);
    expect(engine.articles()).toHaveLength(articles);
    expect(engine.current.generation).toBe(generation);
  });
});
