import type { MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format.js";
import { ARTICLES, buttonsOf, entityTexts, entityTypes, harness, JOHN, mediaMessage, privateChatOf, sampleAnswer, SARI, textMessage } from "./helpers.js";

describe("private chats", () => {
  it("/start greets in Indonesian by default, with three example questions", async () => {
    const h = harness();
    await h.handle(textMessage("/start", { from: SARI }));
    const [reply] = h.sent("sendMessage");
    expect(reply?.text).toContain("Halo, Sari!");
    expect(reply?.text).toContain("Contoh pertanyaan:");
    expect((reply?.text as string).match(/^• /gm)).toHaveLength(3);
  });

  it("/start greets in English for en-* clients", async () => {
    const h = harness();
    await h.handle(textMessage("/start", { from: JOHN }));
    const [reply] = h.sent("sendMessage");
    expect(reply?.text).toContain("Hello, John!");
    expect(reply?.text).toContain("Which region did Bandung Barat study?");
  });

  it("/help and /sources answer; /sources lists title, outlet and date, linked when a URL is known", async () => {
    const h = harness();
    await h.handle(textMessage("/help", { from: JOHN }));
    expect(h.sent("sendMessage")[0]?.text).toContain("@TanyaEgovBot");
    h.reset();
    await h.handle(textMessage("/sources", { from: JOHN }));
    const [list] = h.sent("sendMessage");
    expect(list?.text).toContain("3 articles");
    expect(list?.text).toContain("Jogja <b>e-Gov</b> & Vietnam — Kompas.com, 24 September 2019");
    const links = ((list?.entities as MessageEntity[]) ?? []).filter((entity) => entity.type === "text_link");
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ url: ARTICLES[0]!.url });
    expect(list?.parse_mode).toBeUndefined();
  });

  it("answers a question: typing first, quotes in blockquotes, best sentence bold, [n] citations, linked sources, buttons", async () => {
    const h = harness();
    await h.handle(textMessage("Ke mana pejabat Bandung Barat studi banding?"));
    expect(h.calls[0]?.method).toBe("sendChatAction");
    expect(h.calls[0]?.payload).toMatchObject({ chat_id: SARI.id, action: "typing" });
    const [answer] = h.sent("sendMessage");
    const text = answer!.text as string;
    expect(text).toContain("Menurut basis pengetahuan:");
    expect(text).toContain("Sumber:");
    const quotes = entityTexts(answer!, "blockquote");
    expect(quotes).toHaveLength(3);
    expect(quotes.every((quote) => / \[\d\]$/.test(quote))).toBe(true);
    const bold = entityTexts(answer!, "bold");
    expect(bold).toContain(sampleAnswer("x").quotes[0]!.sentences[1]!.text);
    expect(text).toContain("[1] Penerapan e-Government di Banyuwangi Menjadi Rujukan — 1 November 2017");
    expect(entityTexts(answer!, "text_link")).toEqual(["Penerapan e-Government di Banyuwangi Menjadi Rujukan"]);
    // Article text with markup characters is sent verbatim as plain text: nothing is parsed, nothing escaped.
    expect(text).toContain("Sistem <b>e-Gov</b> & </blockquote> tetap ditulis apa adanya. [2]");
    expect(answer!.parse_mode).toBeUndefined();
    expect(answer!.link_preview_options).toEqual({ is_disabled: true });
    const buttons = buttonsOf(answer);
    expect(buttons.map((data) => data.split(":")[0])).toEqual(["m", "p", "f", "f"]);
    for (const data of buttons) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect((await h.stats.summary()).answered).toBe(1);
  });

  it("answers in English when the question is English", async () => {
    const h = harness();
    await h.handle(textMessage("which region did Bandung Barat study?", { from: SARI }));
    const [answer] = h.sent("sendMessage");
    expect(answer?.text).toContain("From the knowledge base:");
    expect(answer?.text).toContain("Sources:");
    expect(answer?.text).toContain("1 November 2017");
  });

  it("not found: an honest short reply and what the knowledge base covers, no buttons", async () => {
    const h = harness();
    await h.handle(textMessage("nothing about football?"));
    const [reply] = h.sent("sendMessage");
    expect(reply?.text).toContain("nothing relevant");
    expect(reply?.text).toContain("The knowledge base currently covers:");
    expect(reply?.text).toContain("• Kemlu gandeng Pemkot Surabaya");
    expect(reply?.reply_markup).toBeUndefined();
    expect(await h.stats.summary()).toMatchObject({ answered: 0, notFound: 1 });
  });

  it("splits an answer longer than 4096 characters at quote boundaries; buttons only under the last part", async () => {
    const h = harness();
    const long = "Kalimat panjang tentang pelayanan publik berbasis elektronik di daerah. ".repeat(20).trim();
    h.engine.answer = (question) => {
      const answer = sampleAnswer(question);
      answer.quotes = Array.from({ length: 8 }, (_, index) => ({ citation: 1, passageId: index === 0 ? "banyuwangi#1" : `banyuwangi#x${index}`, sentences: [{ text: `${index}: ${long}`, best: index === 0 }] }));
      return answer;
    };
    await h.handle(textMessage("Apa saja layanan e-government di Banyuwangi?"));
    const parts = h.sent("sendMessage");
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect((part.text as string).length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    // Each quote stays whole inside one message.
    const quotes = parts.flatMap((part) => entityTexts(part, "blockquote"));
    expect(quotes).toHaveLength(8);
    for (const quote of quotes) expect(quote).toContain(long);
    expect(parts.slice(0, -1).every((part) => part.reply_markup === undefined)).toBe(true);
    expect(buttonsOf(parts.at(-1))).toHaveLength(4);
    for (const part of parts) {
      for (const entity of part.entities as MessageEntity[]) expect(entity.offset + entity.length).toBeLessThanOrEqual((part.text as string).length);
    }
  });

  it("a 4096-character question is cut before the engine and answered with a notice", async () => {
    const h = harness();
    await h.handle(textMessage(`Apa itu SPBE? ${"x".repeat(4082)}`));
    expect(h.engine.questions[0]!.length).toBe(1000);
    expect(h.sent("sendMessage")[0]?.text).toMatch(/hanya membaca 1000 karakter|only read its first 1000/);
  });

  it("markup-looking and emoji-only questions are plain text; unknown commands get help", async () => {
    const h = harness();
    await h.handle(textMessage("<b>bold</b> & </blockquote> apa itu SPBE?"));
    expect(h.engine.questions).toEqual(["<b>bold</b> & </blockquote> apa itu SPBE?"]);
    expect(h.sent("sendMessage")).toHaveLength(1);
    h.reset();
    await h.handle(textMessage("🤔🤔🤔"));
    expect(h.sent("sendMessage")[0]?.text).toMatch(/belum memuat|nothing relevant/);
    h.reset();
    await h.handle(textMessage("   "));
    expect(h.sent("sendMessage")[0]?.text).toContain("Tulis pertanyaan Anda");
    h.reset();
    await h.handle(textMessage("/frobnicate", { from: JOHN }));
    expect(h.sent("sendMessage")[0]?.text).toContain("How to use this bot");
  });

  it("stickers, photos and voice get a short 'send text'; service messages and edited messages are ignored", async () => {
    const h = harness();
    await h.handle(mediaMessage({ sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } }));
    await h.handle(mediaMessage({ photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] }));
    await h.handle(mediaMessage({ voice: { file_id: "v", file_unique_id: "v", duration: 1 } }, { from: JOHN }));
    const replies = h.sent("sendMessage").map((call) => call.text);
    expect(replies).toEqual([expect.stringContaining("sebagai teks"), expect.stringContaining("sebagai teks"), expect.stringContaining("as text")]);
    h.reset();
    await h.handle(mediaMessage({ new_chat_title: "x" } as never));
    await h.handle({ edited_message: { message_id: 5, date: 0, edit_date: 1, chat: privateChatOf(SARI), from: SARI, text: "Apa itu SPBE?" } } as never);
    expect(h.calls).toEqual([]);
  });

  it("a failing engine gets an apology and the next update is still answered", async () => {
    const h = harness();
    await h.handle(textMessage("boom"));
    expect(h.sent("sendMessage")[0]?.text).toContain("terjadi kesalahan");
    h.reset();
    await h.handle(textMessage("Apa itu SPBE?"));
    expect(h.sent("sendMessage")[0]?.text).toContain("Menurut basis pengetahuan");
  });

  it("rate limiting: a friendly notice once, then silence until the window ends", async () => {
    const h = harness({ options: { rateLimit: { limit: 2, windowMs: 60_000 } } });
    for (let i = 0; i < 4; i++) await h.handle(textMessage(`Apa itu SPBE ${i}?`));
    expect(h.engine.questions).toHaveLength(2);
    const texts = h.sent("sendMessage").map((call) => call.text as string);
    expect(texts.filter((text) => text.includes("Pelan-pelan"))).toHaveLength(1);
    // Another user is not affected.
    await h.handle(textMessage("Apa itu SPBE?", { from: JOHN }));
    expect(h.engine.questions).toHaveLength(3);
  });

  it("entities are never built by string replacement: types are only blockquote, bold, italic, text_link, code", async () => {
    const h = harness();
    await h.handle(textMessage("Apa itu SPBE?"));
    expect(new Set(entityTypes(h.sent("sendMessage")[0]))).toEqual(new Set(["bold", "blockquote", "text_link"]));
  });
});
