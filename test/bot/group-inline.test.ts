import type { InlineQueryResultArticle, InputTextMessageContent, MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { withoutMentions } from "../../src/bot/features/group.js";
import { inlineAnswerMessage } from "../../src/bot/features/inline.js";
import { BOT_INFO, botMessage, FORUM, GROUP, harness, JOHN, mediaMessage, sampleAnswer, SARI, textMessage } from "./helpers.js";

describe("groups (privacy mode)", () => {
  it("/ask@BotName <q> is answered, threaded to the question", async () => {
    const h = harness();
    await h.handle(textMessage("/ask@TanyaEgovBot Apa itu SPBE?", { chat: GROUP, messageId: 77 }));
    expect(h.engine.questions).toEqual(["Apa itu SPBE?"]);
    const [answer] = h.sent("sendMessage");
    expect(answer).toMatchObject({ chat_id: GROUP.id, reply_parameters: { message_id: 77, allow_sending_without_reply: true } });
    expect(answer?.message_thread_id).toBeUndefined();
  });

  it("/ask <q> without the bot name works too; /ask for another bot is ignored; bare /ask explains", async () => {
    const h = harness();
    await h.handle(textMessage("/ask Apa itu SPBE?", { chat: GROUP }));
    await h.handle(textMessage("/ask@OtherBot Apa itu SPBE?", { chat: GROUP }));
    expect(h.engine.questions).toEqual(["Apa itu SPBE?"]);
    h.reset();
    await h.handle(textMessage("/ask@TanyaEgovBot", { chat: GROUP, from: JOHN }));
    expect(h.sent("sendMessage")[0]?.text).toContain("/ask What is SPBE?");
  });

  it("/ask as a reply asks the replied-to message's text", async () => {
    const h = harness();
    const question = textMessage("Siapa yang studi banding ke Banyuwangi?", { chat: GROUP }).message!;
    await h.handle(textMessage("/ask", { chat: GROUP, replyTo: question }));
    expect(h.engine.questions).toEqual(["Siapa yang studi banding ke Banyuwangi?"]);
  });

  it("an @mention with a question is answered without the mention", async () => {
    const h = harness();
    await h.handle(textMessage("@TanyaEgovBot, apa itu SPBE?", { chat: GROUP }));
    await h.handle(textMessage("Halo @tanyaegovbot negara mana yang mengadopsi e-government Jogja?", { chat: GROUP }));
    expect(h.engine.questions).toEqual(["apa itu SPBE?", "Halo negara mana yang mengadopsi e-government Jogja?"]);
    h.reset();
    await h.handle(textMessage("@TanyaEgovBot", { chat: GROUP }));
    expect(h.sent("sendMessage")[0]?.text).toContain("Ada yang bisa saya bantu?");
  });

  it("a reply to one of the bot's messages is a question", async () => {
    const h = harness();
    await h.handle(textMessage("Kalau Surabaya bagaimana?", { chat: GROUP, replyTo: botMessage(GROUP) }));
    expect(h.engine.questions).toEqual(["Kalau Surabaya bagaimana?"]);
  });

  it("other chatter, replies to other people, media and mentions of other users are ignored", async () => {
    const h = harness();
    await h.handle(textMessage("Selamat pagi semua", { chat: GROUP }));
    await h.handle(textMessage("@someoneelse apa kabar?", { chat: GROUP }));
    await h.handle(textMessage("setuju", { chat: GROUP, replyTo: textMessage("x", { chat: GROUP, from: JOHN }).message! }));
    await h.handle(mediaMessage({ sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } }, { chat: GROUP }));
    await h.handle(mediaMessage({ document: { file_id: "d", file_unique_id: "d", file_name: "a.txt" } }, { chat: GROUP, from: { ...SARI } }));
    expect(h.engine.questions).toEqual([]);
    expect(h.calls).toEqual([]);
  });

  it("forum topics: the typing action and the answer stay in the question's topic", async () => {
    const h = harness();
    await h.handle(textMessage("/ask Apa itu SPBE?", { chat: FORUM, threadId: 9 }));
    expect(h.sent("sendChatAction")[0]).toMatchObject({ chat_id: FORUM.id, message_thread_id: 9 });
    expect(h.sent("sendMessage")[0]).toMatchObject({ chat_id: FORUM.id, message_thread_id: 9 });
  });

  it("withoutMentions handles text_mention and several mentions", () => {
    expect(withoutMentions({ text: "hi all" }, BOT_INFO)).toBeUndefined();
    expect(withoutMentions({ text: "Tanya apa itu SPBE", entities: [{ type: "text_mention", offset: 0, length: 5, user: BOT_INFO }] }, BOT_INFO)).toBe("apa itu SPBE");
    const text = "@TanyaEgovBot @TanyaEgovBot: SPBE?";
    const entities: MessageEntity[] = [{ type: "mention", offset: 0, length: 13 }, { type: "mention", offset: 14, length: 13 }];
    expect(withoutMentions({ text, entities }, BOT_INFO)).toBe("SPBE?");
  });
});

describe("inline mode", () => {
  it("an empty query gets no results and a hint button, briefly cached", async () => {
    const h = harness();
    await h.handle({ inline_query: { id: "1", from: JOHN, query: "  ", offset: "" } });
    const [call] = h.sent("answerInlineQuery");
    expect(call?.results).toEqual([]);
    expect(call?.button).toMatchObject({ text: expect.stringContaining("Type a question"), start_parameter: "inline" });
    expect(call?.cache_time).toBeLessThanOrEqual(30);
    expect(h.engine.questions).toEqual([]);
  });

  it("a question gets the cited answer first, then single quotes; message text with entities", async () => {
    const h = harness();
    await h.handle({ inline_query: { id: "2", from: SARI, query: "Ke mana Bandung Barat studi banding?", offset: "" } });
    const [call] = h.sent("answerInlineQuery");
    const results = call?.results as InlineQueryResultArticle[];
    expect(results.length).toBeGreaterThan(1);
    expect(results[0]).toMatchObject({ type: "article", id: "answer" });
    const content = results[0]!.input_message_content as InputTextMessageContent;
    expect(content.message_text).toContain("[1] Penerapan e-Government di Banyuwangi");
    expect(content.entities?.map((entity) => entity.type)).toEqual(expect.arrayContaining(["blockquote", "bold", "text_link"]));
    expect(content.message_text.length).toBeLessThanOrEqual(4096);
    for (const result of results) expect(Buffer.byteLength(result.id)).toBeLessThanOrEqual(64);
    expect(new Set(results.map((result) => result.id)).size).toBe(results.length);
    expect(call?.cache_time).toBe(10);
    // Inline keystrokes are not counted as asked questions.
    expect((await h.stats.summary()).answered).toBe(0);
  });

  it("nothing relevant: no results and a button to the private chat", async () => {
    const h = harness();
    await h.handle({ inline_query: { id: "3", from: JOHN, query: "nothing about football", offset: "" } });
    const [call] = h.sent("answerInlineQuery");
    expect(call?.results).toEqual([]);
    expect(call?.button).toMatchObject({ start_parameter: "inline" });
  });
});

describe("inline answer message", () => {
  it("keeps the sources list and the best quote when the whole answer does not fit one message", () => {
    const answer = sampleAnswer("Apa itu SPBE?");
    const full = inlineAnswerMessage(answer);
    expect(full.text).toContain("Sistem <b>e-Gov</b>");
    const small = inlineAnswerMessage(answer, 450);
    expect(small.text.length).toBeLessThanOrEqual(450);
    expect(small.text).toContain("Seperti diketahui, Kabupaten Bandung Barat");
    expect(small.text).toContain("[1] Penerapan e-Government di Banyuwangi");
    expect(small.text).not.toContain("[2] Jogja");
  });
});
