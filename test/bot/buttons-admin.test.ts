import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { ADMIN, buttonsOf, callback, entityTexts, GROUP, harness, JOHN, mediaMessage, privateChatOf, SARI, textMessage, type Harness } from "./helpers.js";

async function askAndGetButtons(h: Harness, question = "Ke mana pejabat Bandung Barat studi banding?"): Promise<{ buttons: string[]; message: Message }> {
  await h.handle(textMessage(question));
  const payload = h.sent("sendMessage").at(-1)!;
  const message = { message_id: 555, date: 0, chat: privateChatOf(SARI), text: payload.text } as Message;
  h.reset();
  return { buttons: buttonsOf(payload), message };
}

function documentMessage(fileName: string | undefined, from = ADMIN, size = 200): Parameters<Harness["handle"]>[0] {
  return mediaMessage({ document: { file_id: "doc1", file_unique_id: "u1", ...(fileName === undefined ? {} : { file_name: fileName }), file_size: size } }, { from });
}

describe("answer buttons", () => {
  it("More sources shows the next results with citation numbers continuing, then runs out", async () => {
    const h = harness();
    const { buttons, message } = await askAndGetButtons(h);
    const more = buttons.find((data) => data.startsWith("m:"))!;
    await h.handle(callback(more, { message }));
    expect(h.sent("answerCallbackQuery")).toHaveLength(1);
    const [page] = h.sent("sendMessage");
    expect(page?.reply_parameters).toMatchObject({ message_id: 555 });
    expect(page?.text).toContain("Sumber lainnya:");
    // Surabaya is new (→ [3]); Banyuwangi keeps its [1].
    expect(page?.text).toContain("[3] Kemlu gandeng Pemkot Surabaya — Antara");
    expect(page?.text).toContain("Banyuwangi menjadi rujukan nasional. [1]");
    const next = buttonsOf(page);
    expect(next.filter((data) => data.startsWith("p:"))).toHaveLength(3);
    expect(next).toContain(more);
    h.reset();
    await h.handle(callback(more, { message }));
    expect(h.sent("sendMessage")).toHaveLength(1);
    expect(buttonsOf(h.sent("sendMessage")[0])).not.toContain(more);
    h.reset();
    await h.handle(callback(more, { message }));
    expect(h.sent("answerCallbackQuery")[0]).toMatchObject({ text: "Tidak ada sumber lain lagi." });
    expect(h.sent("sendMessage")).toHaveLength(0);
  });

  it("Full passage shows the paragraph around the quote with the quoted sentences bold", async () => {
    const h = harness();
    const { buttons, message } = await askAndGetButtons(h);
    await h.handle(callback(buttons.find((data) => data.startsWith("p:"))!, { message }));
    const [passage] = h.sent("sendMessage");
    expect(passage?.text).toContain("Kutipan lengkap dari [1] Penerapan e-Government di Banyuwangi");
    expect(passage?.text).toContain("Paragraf sebelumnya.");
    expect(entityTexts(passage!, "blockquote")).toHaveLength(2);
    expect(entityTexts(passage!, "bold").some((text) => text.startsWith("Terbaru di awal Oktober 2017"))).toBe(true);
  });

  it("feedback is stored, one vote per user per answer, and counted", async () => {
    const h = harness();
    const { buttons, message } = await askAndGetButtons(h);
    const up = buttons.find((data) => data.endsWith(":u"))!;
    const down = buttons.find((data) => data.endsWith(":d"))!;
    await h.handle(callback(up, { message }));
    await h.handle(callback(up, { message }));
    expect(await h.stats.summary()).toMatchObject({ up: 1, down: 0 });
    await h.handle(callback(down, { message }));
    expect(await h.stats.summary()).toMatchObject({ up: 0, down: 1 });
    await h.handle(callback(up, { message, from: JOHN }));
    expect(await h.stats.summary()).toMatchObject({ up: 1, down: 1 });
    expect(h.sent("answerCallbackQuery")[0]).toMatchObject({ text: expect.stringContaining("Terima kasih") });
  });

  it("expired answers and crafted callback data get friendly answers, never errors", async () => {
    const h = harness({ options: { answerCache: { size: 1, ttlMs: 60_000 } } });
    const first = await askAndGetButtons(h, "Apa itu SPBE?");
    await askAndGetButtons(h, "Apa itu e-KTP?"); // evicts the first answer (cache of one)
    await h.handle(callback(first.buttons[0]!, { message: first.message }));
    expect(h.sent("answerCallbackQuery")[0]).toMatchObject({ text: expect.stringContaining("kedaluwarsa"), show_alert: true });
    h.reset();
    for (const data of ["", "m:", "p:abc:99999", "x".repeat(64), "f:../../etc:u", "ar:", "🙂"]) await h.handle(callback(data, { from: JOHN }));
    const answers = h.sent("answerCallbackQuery");
    expect(answers).toHaveLength(7);
    expect(h.sent("sendMessage")).toHaveLength(0);
  });
});

describe("admin features", () => {
  it("non-admins are refused /reload, /remove, /stats and uploads, and crafted admin buttons", async () => {
    const h = harness();
    for (const command of ["/reload", "/remove banyuwangi", "/stats"]) await h.handle(textMessage(command, { from: JOHN }));
    await h.handle(documentMessage("artikel.txt", SARI));
    await h.handle(callback("ar:AAAAAAAA", { from: JOHN }));
    const texts = h.sent("sendMessage").map((call) => call.text as string);
    expect(texts).toHaveLength(4);
    expect(texts.slice(0, 3).every((text) => text.includes("only the bot's administrators"))).toBe(true);
    expect(texts[3]).toContain("hanya admin bot yang boleh menambah artikel");
    expect(h.sent("answerCallbackQuery")[0]).toMatchObject({ show_alert: true, text: expect.stringContaining("administrators") });
    expect(h.engine.removed).toEqual([]);
    expect(h.calls.some((call) => call.method === "getFile")).toBe(false);
  });

  it("/reload edits a progress message in place, ending with the refresh report", async () => {
    const h = harness();
    await h.handle(textMessage("/reload", { from: ADMIN }));
    const [progress] = h.sent("sendMessage");
    expect(progress?.text).toContain("Refreshing");
    const edits = h.sent("editMessageText");
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.at(-1)?.text).toContain("Refresh finished.");
    expect(edits.at(-1)?.text).toContain("added 0, updated 0, removed 0, unchanged 3");
    expect(new Set(edits.map((edit) => edit.message_id)).size).toBe(1);
  });

  it("an uploaded document is downloaded and indexed; the report replaces the progress message", async () => {
    const h = harness();
    await h.handle(documentMessage("Berita Baru.txt"));
    expect(h.engine.added.map((added) => added.fileName)).toEqual(["Berita Baru.txt"]);
    expect(h.sent("editMessageText").at(-1)?.text).toContain("Added article “Artikel baru” (id baru).");
  });

  it("unsupported, nameless and oversized files are refused before downloading; ArticleErrors are reported", async () => {
    let downloads = 0;
    const h = harness({
      deps: {
        download: async () => {
          downloads++;
          return Buffer.from("short");
        },
      },
    });
    await h.handle(documentMessage("slides.pptx"));
    await h.handle(documentMessage(undefined));
    await h.handle(documentMessage("big.txt", ADMIN, 5 * 1024 * 1024));
    expect(downloads).toBe(0);
    const texts = h.sent("sendMessage").map((call) => call.text as string);
    expect(texts[0]).toContain('"slides.pptx" is not a supported article type');
    expect(texts[1]).toContain("no file name");
    expect(texts[2]).toContain("5.0 MB; the upload limit is 1.0 MB");
    h.reset();
    await h.handle(documentMessage("../../x.txt"));
    expect(downloads).toBe(1);
    expect(h.sent("editMessageText").at(-1)?.text).toContain("The file was not added: ../../x.txt: after removing headlines");
  });

  it("/remove removes by id, reports unknown ids, and offers buttons without an argument", async () => {
    const h = harness();
    await h.handle(textMessage("/remove jogja", { from: ADMIN }));
    expect(h.engine.removed).toEqual(["jogja"]);
    expect(h.sent("editMessageText").at(-1)?.text).toContain("Removed jogja.txt");
    h.reset();
    await h.handle(textMessage("/remove tidak-ada", { from: ADMIN }));
    expect(h.sent("editMessageText").at(-1)?.text).toContain("There is no article “tidak-ada”");
    h.reset();
    await h.handle(textMessage("/remove", { from: ADMIN }));
    const buttons = buttonsOf(h.sent("sendMessage")[0]);
    expect(buttons).toHaveLength(3);
    await h.handle(callback(buttons[2]!, { from: JOHN }));
    expect(h.engine.removed).toEqual(["jogja"]);
    await h.handle(callback(buttons[2]!, { from: ADMIN, message: { message_id: 1, date: 0, chat: privateChatOf(ADMIN) } as Message }));
    expect(h.engine.removed).toEqual(["jogja", "surabaya"]);
  });

  it("/stats shows answered / not found / feedback and the most asked questions", async () => {
    const h = harness();
    await h.handle(textMessage("Apa itu SPBE?"));
    await h.handle(textMessage("apa itu  spbe"));
    await h.handle(textMessage("nothing here"));
    h.reset();
    await h.handle(textMessage("/stats", { from: ADMIN }));
    const text = h.sent("sendMessage")[0]?.text as string;
    expect(text).toContain("Answered directly: 2");
    expect(text).toContain("Related passages only: 0");
    expect(text).toContain("Not found: 1");
    expect(text).toContain("Feedback: 👍 0 · 👎 0");
    expect(text).toContain("1. Apa itu SPBE? — ×2");
  });

  it("admin commands work for admins in groups too, threaded", async () => {
    const h = harness();
    await h.handle(textMessage("/stats@TanyaEgovBot", { chat: GROUP, from: ADMIN, messageId: 9 }));
    expect(h.sent("sendMessage")[0]).toMatchObject({ reply_parameters: { message_id: 9 } });
  });
});

describe("ALLOWED_CHAT_IDS", () => {
  it("serves only the listed chats (and admins' private chats); refuses politely where it can", async () => {
    const h = harness({ allowedChatIds: [GROUP.id, SARI.id] });
    await h.handle(textMessage("Apa itu SPBE?", { from: SARI }));
    await h.handle(textMessage("/ask Apa itu SPBE?", { chat: GROUP, from: JOHN }));
    await h.handle(textMessage("/stats", { from: ADMIN }));
    expect(h.engine.questions).toHaveLength(2);
    h.reset();
    await h.handle(textMessage("Apa itu SPBE?", { from: JOHN }));
    await h.handle(textMessage("/ask Apa itu SPBE?", { chat: { id: -999, type: "supergroup", title: "other" }, from: SARI }));
    await h.handle(callback("m:whatever", { from: JOHN }));
    await h.handle({ inline_query: { id: "9", from: JOHN, query: "SPBE", offset: "" } });
    expect(h.engine.questions).toHaveLength(2);
    expect(h.sent("sendMessage").map((call) => call.text)).toEqual(["Sorry, this bot does not serve this chat."]);
    expect(h.sent("answerCallbackQuery")).toHaveLength(1);
    expect(h.sent("answerInlineQuery")[0]?.results).toEqual([]);
  });

  it("a 403 (user blocked the bot) is logged and the bot keeps working", async () => {
    const h = harness();
    h.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    await h.handle(textMessage("Apa itu SPBE?"));
    h.reset();
    await h.handle(textMessage("Apa itu SPBE?", { from: JOHN }));
    expect(h.sent("sendMessage")).toHaveLength(1);
  });
});
