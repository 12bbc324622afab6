import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotApi, type BotMessage, type ChatHandle, type FakeBotApi } from "../fake-bot-api/index.js";
import { callbackDataOf, entityTextsOf } from "../helpers/bot-messages.js";
import { articlePage, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";
import { buildPdf, regulationSpec } from "../helpers/documents.js";
import { startPollingBot, tail, type BotProcess } from "./bot-process.js";

/*
 * End to end: the real bot process (npm start's entry point, real engine, real model, real index built from a
 * temp copy of knowledge/) against the fake Telegram Bot API. One bot process serves all scenarios, each with
 * its own users and chats; the last scenario stops it gracefully.
 */

const TOKEN = "7000000001:AAFakeTokenForEndToEndTests_tanya";
const USERNAME = "TanyaEgovBot";
const ADMIN_ID = 90001;
const BANDUNG_BARAT = "Kabupaten Bandung Barat";
const SLOW = { timeoutMs: 120_000 };

let api: FakeBotApi;
let bot: BotProcess | undefined;
/** A web server on 127.0.0.1 for /add (reachable because the bot runs with ALLOW_PRIVATE_URLS=true). */
let web: DocumentServer;
const PASPOR_PAGE = "/berita/layanan-paspor-daring.html";
let adminChat: ChatHandle;
let userCounter = 0;

function newPrivateChat(languageCode = "id"): ChatHandle {
  const id = 50_000 + ++userCounter;
  return api.privateChat({ id, first_name: `User${id}`, language_code: languageCode });
}

/** Waits for the bot's next message in a chat that satisfies `predicate`. */
function nextMessage(chat: ChatHandle, predicate?: (message: BotMessage) => boolean, timeoutMs = 30_000): Promise<BotMessage> {
  return api.waitForBotMessage({ chat, timeoutMs, ...(predicate ? { predicate } : {}) });
}

async function ask(chat: ChatHandle, text: string): Promise<BotMessage> {
  await api.sendUserMessage({ chat, text });
  return nextMessage(chat);
}

function pasporPage(sentence: string) {
  return serve("text/html; charset=utf-8", articlePage("Imigrasi Kota Tanjung Sari Buka Layanan Paspor Daring", sentence));
}

beforeAll(async () => {
  web = await startDocumentServer({ [PASPOR_PAGE]: pasporPage("Kantor Imigrasi Tanjung Sari kini menerima permohonan paspor lewat aplikasi M-Paspor setiap hari kerja.") });
  api = await startFakeBotApi({ token: TOKEN, botUsername: USERNAME, defaultTimeoutMs: 30_000, queryTtlMs: 60_000 });
  // The admin has opened the bot before, so the admin command menu (a chat scope) can be set.
  adminChat = api.privateChat({ id: ADMIN_ID, first_name: "Admin", language_code: "en" });
  bot = await startPollingBot(api, { token: TOKEN, adminIds: [ADMIN_ID], env: { ALLOW_PRIVATE_URLS: "true", PROGRESS_EDIT_INTERVAL_MS: "1" } });
}, 300_000);

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(`--- bot log (last lines) ---\n${tail(bot, 60)}`);
});

afterAll(async () => {
  bot?.cleanup();
  await api?.stop();
  await web?.close();
});

describe("bot process against the fake Bot API", () => {
  it("starts long polling with the command menus set (admin commands only in the admin's chat)", () => {
    expect(api.commands().map((command) => command.command)).toEqual(["start", "ask", "sources", "help"]);
    expect(api.commands({ languageCode: "en" })[0]?.description).toContain("Start");
    const admin = api.commands({ scope: { type: "chat", chat_id: ADMIN_ID } }).map((command) => command.command);
    expect(admin).toEqual(expect.arrayContaining(["reload", "remove", "stats", "gaps"]));
    const getUpdates = api.calls("getUpdates").at(-1)!;
    const allowed = getUpdates.params.allowed_updates;
    expect(typeof allowed === "string" ? JSON.parse(allowed) : allowed).toEqual(["message", "callback_query", "inline_query"]);
  });

  it("private chat, Indonesian: /start then a question answered with quotes and citations", async () => {
    const chat = newPrivateChat("id");
    const greeting = await ask(chat, "/start");
    expect(greeting.text).toContain("Contoh pertanyaan:");
    const answer = await ask(chat, "Ke mana pejabat Bandung Barat studi banding?");
    expect(api.chatActions(chat).map((action) => action.action)).toContain("typing");
    expect(answer.text).toContain("Menurut basis pengetahuan:");
    expect(entityTextsOf(answer, "blockquote").some((quote) => quote.includes(BANDUNG_BARAT))).toBe(true);
    expect(entityTextsOf(answer, "bold").length).toBeGreaterThanOrEqual(1);
    expect(answer.text).toMatch(/\[1\] Penerapan e-Government di Banyuwangi Menjadi Rujukan/);
  });

  it("private chat, English: 'which region did Bandung Barat study?' quotes the Banyuwangi article's Bandung Barat sentence", async () => {
    const chat = newPrivateChat("en");
    const greeting = await ask(chat, "/start");
    expect(greeting.text).toContain("Example questions:");
    const answer = await ask(chat, "which region did Bandung Barat study?");
    expect(answer.text).toContain("From the knowledge base:");
    const quotes = entityTextsOf(answer, "blockquote");
    expect(quotes.some((quote) => quote.includes(BANDUNG_BARAT) && quote.includes("Banyuwangi"))).toBe(true);
    expect(answer.text).toContain("Sources:");
    expect(answer.text).toMatch(/\[1\] Penerapan e-Government di Banyuwangi Menjadi Rujukan/);
    expect(callbackDataOf(answer).length).toBeGreaterThanOrEqual(3);
  });

  it("/sources lists the articles", async () => {
    const chat = newPrivateChat("en");
    const list = await ask(chat, "/sources");
    expect(list.text).toContain("The knowledge base holds 5 articles");
    expect(list.text).toContain("Penerapan e-Government di Banyuwangi Menjadi Rujukan");
  });

  it("groups: /ask@BotName, a mention and a reply to the bot are answered, threaded; chatter is ignored", async () => {
    // botIsAdmin: Telegram delivers every message, so ignoring chatter is the bot's own doing.
    const group = api.groupChat({ title: "Diskusi e-Gov", botIsAdmin: true });
    const member = api.user({ id: 60_001, first_name: "Budi", language_code: "id" });
    await api.sendUserMessage({ chat: group, from: member, text: "Selamat pagi semua, ada info rapat?" });
    const asked = await api.sendUserMessage({ chat: group, from: member, text: `/ask@${USERNAME} Ke mana pejabat Bandung Barat studi banding?` });
    const answer = await nextMessage(group);
    expect(answer.replyToMessageId).toBe(asked.message_id);
    expect(answer.text).toContain(BANDUNG_BARAT);

    await api.sendUserMessage({ chat: group, from: member, text: "terima kasih infonya" });
    const mention = await api.sendUserMessage({ chat: group, from: member, text: `@${USERNAME} negara mana yang ingin mengadopsi e-government Jogja?` });
    const mentionAnswer = await nextMessage(group);
    expect(mentionAnswer.replyToMessageId).toBe(mention.message_id);
    expect(mentionAnswer.text).toContain("Vietnam");

    const reply = await api.sendUserMessage({ chat: group, from: member, replyTo: mentionAnswer, text: "Siapa Walikota Surabaya yang menyambut kerja sama dengan Kemlu?" });
    const replyAnswer = await nextMessage(group);
    expect(replyAnswer.replyToMessageId).toBe(reply.message_id);
    // Nothing was said in reply to the chatter: every bot message answers an addressed message.
    expect(api.botMessages(group).map((message) => message.replyToMessageId)).toEqual([asked.message_id, mention.message_id, reply.message_id]);
  });

  it("forum topics: the answer stays in the question's topic", async () => {
    const forum = api.groupChat({ title: "Forum", isForum: true });
    const member = api.user({ id: 60_002, first_name: "Rina", language_code: "id" });
    await api.sendUserMessage({ chat: forum, from: member, threadId: 7, text: `/ask@${USERNAME} Apa yang diminta Mendagri kepada pemda soal e-gov?` });
    const answer = await nextMessage(forum);
    expect(answer.threadId).toBe(7);
  });

  it("buttons: more sources, full passage, feedback", async () => {
    const chat = newPrivateChat("id");
    const answer = await ask(chat, "Ke mana pejabat Bandung Barat studi banding?");
    const buttons = callbackDataOf(answer);
    const more = buttons.find((data) => data.startsWith("m:"));
    const passage = buttons.find((data) => data.startsWith("p:"))!;
    const up = buttons.find((data) => data.endsWith(":u"))!;
    if (more) {
      const id = await api.pressButton({ message: answer, callbackData: more });
      await api.waitForCallbackAnswer(id);
      const page = await nextMessage(chat);
      expect(page.text).toContain("Sumber lainnya:");
      expect(page.replyToMessageId).toBe(answer.messageId);
    }
    const passageId = await api.pressButton({ message: answer, callbackData: passage });
    await api.waitForCallbackAnswer(passageId);
    const full = await nextMessage(chat);
    expect(full.text).toContain("Kutipan lengkap dari [1]");
    expect(entityTextsOf(full, "bold").some((text) => text.includes(BANDUNG_BARAT))).toBe(true);
    const voteId = await api.pressButton({ message: answer, callbackData: up });
    expect((await api.waitForCallbackAnswer(voteId)).text).toContain("Terima kasih");

    api.skipBotMessages(adminChat);
    const stats = await ask(adminChat, "/stats");
    expect(stats.text).toMatch(/Feedback: 👍 [1-9]/);
    expect(stats.text).toContain("Most asked:");
  });

  it("inline mode: a cited answer for a question, a hint for an empty query", async () => {
    const user = api.user({ id: 60_003, first_name: "Inline", language_code: "en" });
    const answer = await api.inlineQuery({ from: user, query: "which region did Bandung Barat study?", timeoutMs: 30_000 });
    expect(answer.results.length).toBeGreaterThan(1);
    expect(answer.cache_time).toBeLessThanOrEqual(30);
    const first = answer.rendered[0]!;
    expect(first.text).toContain(BANDUNG_BARAT);
    expect(first.entities.map((entity) => entity.type)).toEqual(expect.arrayContaining(["blockquote", "bold"]));
    const empty = await api.inlineQuery({ from: user, query: "" });
    expect(empty.results).toEqual([]);
    expect(empty.button?.start_parameter).toBe("inline");
  });

  it("admin: upload a new article → /reload → it answers; /remove → it no longer does", async () => {
    const article = [
      "---",
      "title: Kabupaten Lembah Hijau Luncurkan Aplikasi SiPANDAI",
      "source: Warta Contoh",
      "date: 2024-03-05",
      "---",
      "Pemerintah Kabupaten Lembah Hijau meluncurkan aplikasi SiPANDAI untuk layanan perizinan daring pada Selasa pagi.",
      "",
      "Bupati Lembah Hijau mengatakan aplikasi SiPANDAI memangkas waktu pengurusan izin usaha dari dua minggu menjadi tiga hari kerja.",
      "",
      "Aplikasi tersebut dikembangkan oleh Dinas Komunikasi dan Informatika bersama perguruan tinggi setempat selama enam bulan.",
    ].join("\n");
    await api.sendUserDocument({ chat: adminChat, fileName: "lembah-hijau-sipandai.md", content: article });
    const done = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("Added article"), ...SLOW });
    expect(done.version.text).toContain("Kabupaten Lembah Hijau Luncurkan Aplikasi SiPANDAI");

    api.skipBotMessages(adminChat);
    const reload = await ask(adminChat, "/reload");
    expect(reload.text).toContain("Refreshing");
    const report = await api.waitForBotEdit({ chat: adminChat, messageId: reload.messageId, predicate: (_message, version) => version.text.includes("Refresh finished"), ...SLOW });
    expect(report.version.text).toMatch(/unchanged \d+/);

    const chat = newPrivateChat("id");
    const answer = await ask(chat, "Berapa lama pengurusan izin usaha dengan aplikasi SiPANDAI?");
    expect(answer.text).toContain("tiga hari kerja");
    expect(answer.text).toContain("Kabupaten Lembah Hijau Luncurkan Aplikasi SiPANDAI");

    await api.sendUserMessage({ chat: adminChat, text: "/remove lembah-hijau-sipandai" });
    const removed = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("Removed"), ...SLOW });
    expect(removed.version.text).toContain("lembah-hijau-sipandai.md");
    const after = await ask(chat, "Berapa lama pengurusan izin usaha dengan aplikasi SiPANDAI?");
    expect(after.text).not.toContain("Kabupaten Lembah Hijau Luncurkan Aplikasi SiPANDAI");
    expect(after.text).not.toContain("tiga hari kerja");
  }, 240_000);

  it("non-admins are refused admin commands and uploads", async () => {
    const chat = newPrivateChat("en");
    expect((await ask(chat, "/reload")).text).toContain("only the bot's administrators");
    expect((await ask(chat, "/remove banyuwangi-rujukan-e-government")).text).toContain("only the bot's administrators");
    await api.sendUserDocument({ chat, fileName: "evil.txt", content: "x".repeat(100) });
    expect((await nextMessage(chat)).text).toContain("only the bot's administrators can add articles");
    expect(existsSync(path.join(bot!.knowledgeDir, "evil.txt"))).toBe(false);
  });

  it("a 429 on sendMessage is retried after retry_after and the answer is delivered", async () => {
    const chat = newPrivateChat("id");
    const fault = api.faults.inject({ method: "sendMessage", kind: "429", retryAfter: 1, match: (params) => Number(params.chat_id) === chat.id });
    const started = Date.now();
    const answer = await ask(chat, "Negara mana yang ingin mengadopsi e-government Pemkot Jogja?");
    expect(fault.hits).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(answer.text).toContain("Vietnam");
    expect(api.calls("sendMessage").filter((call) => Number(call.params.chat_id) === chat.id && call.fault === "429")).toHaveLength(1);
  });

  it("bad input is answered or ignored with a clear word, and never crashes the bot", async () => {
    const chat = newPrivateChat("id");
    expect((await ask(chat, "   ")).text).toContain("Tulis pertanyaan Anda");
    const long = await ask(chat, `Apa itu SPBE? ${"panjang ".repeat(600)}`.slice(0, 4096));
    expect(long.text).toContain("hanya membaca 1000 karakter pertama");
    expect((await ask(chat, "🤔🙈🚀")).text).toMatch(/Maaf|Menurut/);
    const markup = await ask(chat, "<b>Apa</b> itu & </blockquote> SPBE?");
    expect(markup.text.length).toBeGreaterThan(0);

    for (const content of [
      { sticker: { file_id: "s1", file_unique_id: "s1", type: "regular" as const, width: 512, height: 512, is_animated: false, is_video: false } },
      { photo: [{ file_id: "p1", file_unique_id: "p1", width: 90, height: 90 }] },
      { voice: { file_id: "v1", file_unique_id: "v1", duration: 2 } },
    ]) {
      await api.sendUserMessage({ chat, content });
      expect((await nextMessage(chat)).text).toContain("sebagai teks");
    }

    // Edited messages are not requested (allowed_updates): Telegram never delivers them.
    const original = await api.sendUserMessage({ chat, text: "Apa itu SPBE?" });
    await nextMessage(chat);
    await api.editUserMessage({ chat, message: original, text: "Siapa Walikota Surabaya?" });

    // Admin uploads: unsupported type, oversized, empty, and a path in the file name.
    api.skipBotMessages(adminChat);
    await api.sendUserDocument({ chat: adminChat, fileName: "slides.pptx", content: "PK" });
    expect((await nextMessage(adminChat)).text).toContain("not a supported article type");
    await api.sendUserDocument({ chat: adminChat, fileName: "huge.txt", content: "kecil", size: 30 * 1024 * 1024 });
    expect((await nextMessage(adminChat)).text).toContain("the upload limit is 20.0 MB");
    await api.sendUserDocument({ chat: adminChat, fileName: "kosong.txt", content: "   \n" });
    const empty = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("was not added"), ...SLOW });
    expect(empty.version.text).toMatch(/kosong\.txt/);
    const sneaky = "Kota Contoh Luncurkan Layanan Daring\n\nPemerintah Kota Contoh memperkenalkan layanan administrasi kependudukan daring yang dapat diakses warga dari rumah. Layanan ini diharapkan mengurangi antrean di kantor kecamatan dan mempercepat penerbitan dokumen. Warga cukup mengunggah berkas persyaratan melalui ponsel.\n";
    await api.sendUserDocument({ chat: adminChat, fileName: "../../x.txt", content: sneaky });
    const sneakyResult = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => /Added article|was not added/.test(version.text), ...SLOW });
    expect(sneakyResult.version.text).toContain("Added article");
    expect(existsSync(path.join(bot!.root, "x.txt"))).toBe(false);
    expect(existsSync(path.join(bot!.knowledgeDir, "x.txt"))).toBe(true);

    // Still alive and answering.
    const alive = await ask(chat, "Ke mana pejabat Bandung Barat studi banding?");
    expect(alive.text).toContain(BANDUNG_BARAT);
    expect(api.updates().some((record) => record.type === "edited_message" && record.status === "dropped")).toBe(true);
    expect(api.botMessages(chat).some((message) => message.text.includes("Surabaya") && message.text.includes("Walikota"))).toBe(false);
  }, 240_000);

  it("admin: /add <link> → progress, then the report; the page answers; adding it again replaces it", async () => {
    const link = `${web.origin}${PASPOR_PAGE}`;
    api.skipBotMessages(adminChat);
    await api.sendUserMessage({ chat: adminChat, text: `/add ${link}` });
    const progress = await nextMessage(adminChat, undefined, SLOW.timeoutMs);
    expect(progress.text).toBe(`Fetching ${link}…`);
    const done = await api.waitForBotEdit({ chat: adminChat, messageId: progress.messageId, predicate: (_message, version) => version.text.includes("Added article"), ...SLOW });
    expect(done.version.text).toContain("Imigrasi Kota Tanjung Sari Buka Layanan Paspor Daring");
    expect(done.version.text).toContain("added 1, updated 0, removed 0");
    expect(JSON.parse(readFileSync(path.join(bot!.knowledgeDir, "layanan-paspor-daring.html.source.json"), "utf8")).url).toBe(link);

    const chat = newPrivateChat("id");
    const answer = await ask(chat, "Lewat aplikasi apa permohonan paspor di Tanjung Sari?");
    expect(answer.text).toContain("aplikasi M-Paspor");
    expect(answer.text).toContain("Imigrasi Kota Tanjung Sari Buka Layanan Paspor Daring");

    web.routes.set(PASPOR_PAGE, pasporPage("Mulai Januari permohonan paspor di Tanjung Sari juga dapat diajukan lewat mal pelayanan publik."));
    api.skipBotMessages(adminChat);
    await api.sendUserMessage({ chat: adminChat, text: `/add ${link}` });
    const again = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("Added article"), ...SLOW });
    expect(again.version.text).toContain("It replaces: layanan-paspor-daring.html");
    expect(again.version.text).toContain("added 0, updated 1, removed 0");

    api.skipBotMessages(adminChat);
    await api.sendUserMessage({ chat: adminChat, text: `/add ${web.origin}/tidak-ada.html` });
    const refused = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => version.text.includes("was not added"), ...SLOW });
    expect(refused.version.text).toMatch(/The link was not added: Not found \(HTTP 404\)/);
    expect(existsSync(path.join(bot!.knowledgeDir, "tidak-ada.html"))).toBe(false);
    expect((await ask(newPrivateChat("en"), `/add ${link}`)).text).toContain("only the bot's administrators");
  }, 240_000);

  it("admin: a PDF upload and a link to a PDF → page progress → report → answers cite the page; the source document is sent by file id", async () => {
    api.skipBotMessages(adminChat);
    const upload = await api.sendUserDocument({ chat: adminChat, fileName: "Perpres 95 2018.pdf", content: Buffer.from(await buildPdf(regulationSpec())) });
    const uploaded = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => /Added article|was not added/.test(version.text), ...SLOW });
    expect(uploaded.version.text).toContain("Added article");
    expect(uploaded.message.versions.some((version) => /Reading PDF: page \d+\/4/.test(version.text))).toBe(true);

    const chat = newPrivateChat("en");
    const answer = await ask(chat, "What is the purpose of the National SPBE Architecture?");
    expect(answer.text).toMatch(/Article 5, p\. 3/);
    const documentButton = callbackDataOf(answer).find((data) => data.startsWith("d:"));
    expect(documentButton).toBeDefined();
    const pressed = await api.pressButton({ message: answer, callbackData: documentButton! });
    await api.waitForCallbackAnswer(pressed);
    const sent = await nextMessage(chat, (message) => message.document !== undefined);
    expect(sent.document?.file_id).toBe(upload.document!.file_id);

    // A link to a PDF on a ministry site: fetched, read page by page, cited with a link that opens at the page.
    const pdfPath = "/dokumen/pedoman-layanan-kependudukan.pdf";
    web.routes.set(
      pdfPath,
      serve(
        "application/pdf",
        Buffer.from(
          await buildPdf({
            pages: [
              [{ lines: ["PEDOMAN LAYANAN KEPENDUDUKAN DARING"] }, { text: "Pedoman ini menjelaskan layanan administrasi kependudukan yang dapat diurus warga Kabupaten Lembah Hijau secara daring." }],
              [{ text: "Permohonan akta kelahiran daring di Kabupaten Lembah Hijau diselesaikan paling lama tiga hari kerja sejak berkas dinyatakan lengkap." }],
            ],
          }),
        ),
      ),
    );
    const link = `${web.origin}${pdfPath}`;
    await api.sendUserMessage({ chat: adminChat, text: link });
    const added = await api.waitForBotEdit({ chat: adminChat, predicate: (_message, version) => /Added article|was not added/.test(version.text) && version.text.includes("link sent alone"), ...SLOW });
    expect(added.version.text).toContain("Added article");
    const linkAnswer = await ask(newPrivateChat("id"), "Berapa lama permohonan akta kelahiran daring di Lembah Hijau diselesaikan?");
    expect(linkAnswer.text).toContain("tiga hari kerja");
    expect(linkAnswer.text).toMatch(/hlm\. 2/);
    expect(linkAnswer.entities.some((entity) => entity.type === "text_link" && entity.url === `${link}#page=2`)).toBe(true);
    expect(callbackDataOf(linkAnswer).some((data) => data.startsWith("d:"))).toBe(false);
  });

  it("group: stickers and other media are ignored", async () => {
    const group = api.groupChat({ title: "Media", botIsAdmin: true });
    const member = api.user({ id: 60_004, first_name: "Media" });
    await api.sendUserMessage({ chat: group, from: member, content: { sticker: { file_id: "s2", file_unique_id: "s2", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } } });
    await api.sendUserMessage({ chat: group, from: member, text: `/ask@${USERNAME} Apa itu SPBE?` });
    const answer = await nextMessage(group);
    expect(api.botMessages(group)).toHaveLength(1);
    expect(answer.replyToMessageId).toBeDefined();
  });

  it("logs are structured, timed per update, and never contain the token", () => {
    const records = bot!.logRecords();
    const handled = records.filter((record) => record.msg === "update handled");
    expect(handled.length).toBeGreaterThan(10);
    expect(handled.every((record) => typeof record.ms === "number")).toBe(true);
    expect(bot!.logs.join("\n")).not.toContain(TOKEN.split(":")[1]);
    expect(api.internalErrors()).toEqual([]);
    // Requests Telegram would have refused (bad HTML, too long, wrong ids, ...): none.
    expect(api.failedCalls().map((call) => `${call.method}: ${call.description}`)).toEqual([]);
  });

  it("SIGTERM stops gracefully: the answer in flight is delivered, stats are saved, exit code 0", async () => {
    const chat = newPrivateChat("id");
    await api.sendUserMessage({ chat, text: "Siapa Walikota Surabaya yang menyambut kerja sama dengan Kemlu?" });
    // Wait until the bot has the update (typing shown), then stop it while it answers.
    await api.waitForCall("sendChatAction", { predicate: (call) => Number(call.params.chat_id) === chat.id });
    const exit = await bot!.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(api.botMessages(chat).length).toBeGreaterThanOrEqual(1);
    const stats = JSON.parse(readFileSync(path.join(bot!.dataDir, "bot-stats.json"), "utf8")) as { answered: number; feedback: { up: number } };
    expect(stats.answered).toBeGreaterThan(5);
    expect(stats.feedback.up).toBeGreaterThanOrEqual(1);
    // The last update was confirmed: a restarted bot would not answer it twice.
    expect(api.updates().filter((record) => record.status === "delivered")).toEqual([]);
  }, 60_000);
});
