import { autoRetry } from "@grammyjs/auto-retry";
import type { InlineKeyboardMarkup, Update } from "@grammyjs/types";
import { Api, Bot, GrammyError, HttpError, InputFile } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseTelegramHtml, startFakeBotApi, type ChatHandle, type FakeBotApi } from "./index.js";
import { repairDispositions } from "./body.js";

const TOKEN = "123456:ABC-fake-token";
const USERNAME = "TanyaEgovBot";

let api: FakeBotApi;
let tg: Api;
let sari: ChatHandle;
let group: ChatHandle;

beforeAll(async () => {
  api = await startFakeBotApi({ token: TOKEN, botUsername: USERNAME });
  tg = new Api(TOKEN, { apiRoot: api.apiRoot });
  sari = api.privateChat({ id: 1001, first_name: "Sari", language_code: "id" });
  group = api.groupChat({ id: -1001234567890, title: "Warga Digital" });
});

afterAll(async () => {
  expect(api.internalErrors()).toEqual([]);
  await api.stop();
});

/** Raw HTTP, to check the envelope grammY hides. */
async function raw(
  method: string,
  body?: unknown,
  init: { token?: string; contentType?: string; httpMethod?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const isJson = init.contentType === undefined;
  const res = await fetch(`${api.apiRoot}/bot${init.token ?? TOKEN}/${method}`, {
    method: init.httpMethod ?? "POST",
    headers: { "content-type": init.contentType ?? "application/json" },
    ...(body === undefined ? {} : { body: isJson ? JSON.stringify(body) : (body as string) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Confirms everything queued so far, as a bot would. */
async function drain(): Promise<void> {
  const left = (await raw("getUpdates", {})).json.result as Update[];
  if (left.length > 0) await raw("getUpdates", { offset: left.at(-1)!.update_id + 1 });
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GrammyError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("routing and envelope", () => {
  it("answers 401 for an unknown token and 404 for an unknown method", async () => {
    expect(await raw("getMe", {}, { token: "999:nope" })).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    expect(await raw("sendMesage", {})).toEqual({
      status: 404,
      json: { ok: false, error_code: 404, description: "Not Found" },
    });
  });

  it("flags real Bot API methods the fake does not model", async () => {
    const { status, json } = await raw("sendPhoto", { chat_id: sari.id, photo: "x" });
    expect(status).toBe(400);
    expect(json.description).toMatch(/\[fake-bot-api\] method sendPhoto/);
  });

  it("accepts GET with query parameters, urlencoded bodies and case-insensitive method names", async () => {
    const me = await fetch(`${api.apiRoot}/bot${TOKEN}/GETME?x=1`);
    expect(((await me.json()) as { result: { username: string } }).result.username).toBe(USERNAME);
    const form = await raw("sendmessage", `chat_id=${sari.id}&text=${encodeURIComponent("Halo <b>Sari</b>")}&parse_mode=HTML`, {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(200);
    expect(form.json.result).toMatchObject({ text: "Halo Sari", entities: [{ type: "bold", offset: 5, length: 4 }] });
  });

  it("reports getMe as configured, through grammY", async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: api.apiRoot } });
    await bot.init();
    expect(bot.botInfo).toMatchObject({
      id: 123456,
      is_bot: true,
      username: USERNAME,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
    });
  });
});

describe("getUpdates long polling", () => {
  it("holds an idle poll for the whole timeout and then returns []", async () => {
    const started = Date.now();
    const { json } = await raw("getUpdates", { timeout: 1 });
    const elapsed = Date.now() - started;
    expect(json).toEqual({ ok: true, result: [] });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2000);
  });

  it("answers a held poll as soon as an update arrives, and confirms by offset", async () => {
    const started = Date.now();
    const pending = raw("getUpdates", { timeout: 10 });
    await sleep(50);
    const first = await api.sendUserMessage({ chat: sari, text: "satu" });
    const { json } = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    const got = json.result as Update[];
    expect(got.map((u) => u.message?.text)).toEqual(["satu"]);
    expect(got[0]!.message!.message_id).toBe(first.message_id);

    await api.sendUserMessage({ chat: sari, text: "dua" });
    await api.sendUserMessage({ chat: sari, text: "tiga" });
    // Without an offset nothing is confirmed: everything comes back, limit applies.
    const again = (await raw("getUpdates", { limit: 2 })).json.result as Update[];
    expect(again.map((u) => u.message?.text)).toEqual(["satu", "dua"]);
    const ids = again.map((u) => u.update_id);
    expect(ids[1]).toBe(ids[0]! + 1);

    const rest = (await raw("getUpdates", { offset: ids[1]! + 1 })).json.result as Update[];
    expect(rest.map((u) => u.message?.text)).toEqual(["tiga"]);
    expect(api.updates().filter((r) => r.status === "confirmed").length).toBeGreaterThanOrEqual(2);
    await raw("getUpdates", { offset: rest[0]!.update_id + 1 });
    expect(api.updates().every((r) => r.status === "confirmed")).toBe(true);
  });

  it("honours allowed_updates and keeps it for later calls", async () => {
    await api.sendUserMessage({ chat: sari, text: "dropped" });
    expect((await raw("getUpdates", { allowed_updates: ["callback_query"] })).json.result).toEqual([]);
    expect(api.updates().at(-1)).toMatchObject({ status: "dropped", droppedReason: '"message" is not in allowed_updates' });
    await raw("getUpdates", { allowed_updates: [] });
  });

  it("terminates the older of two concurrent polls with 409", async () => {
    const first = raw("getUpdates", { timeout: 5 });
    await sleep(50);
    const second = raw("getUpdates", { timeout: 0 });
    expect(await first).toEqual({
      status: 409,
      json: {
        ok: false,
        error_code: 409,
        description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      },
    });
    expect((await second).status).toBe(200);
  });

  it("refuses getUpdates while a webhook is set", async () => {
    await tg.setWebhook("https://example.com/hook");
    expect((await raw("getUpdates", {})).status).toBe(409);
    await tg.deleteWebhook();
    expect(api.webhookUrl()).toBeUndefined();
  });
});

describe("Telegram HTML", () => {
  const send = (text: string) => tg.sendMessage(sari.id, text, { parse_mode: "HTML" });

  it("rejects malformed HTML with Telegram's messages", async () => {
    expect((await apiError(send("<b>tebal"))).description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    expect((await apiError(send("<p>paragraf</p>"))).description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0',
    );
    expect((await apiError(send("1 < 2"))).description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    );
    expect((await apiError(send("<b>x</i>"))).description).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    expect((await apiError(send("x</b>"))).description).toBe(
      "Bad Request: can't parse entities: Unexpected end tag at byte offset 1",
    );
    expect((await apiError(send('<span class="x">s</span>'))).description).toMatch(/Tag "span" must have class "tg-spoiler"/);
    expect((await apiError(send("<b>á</b><i>"))).description).toMatch(/start tag "i"/);
    expect(api.failedCalls().length).toBeGreaterThanOrEqual(7);
  });

  it("keeps a bare & literally like Telegram, or rejects it in strict mode", async () => {
    const msg = await send("Q&A &copy; &lt;ok&gt; &#128512;");
    expect(msg.text).toBe("Q&A &copy; <ok> 😀");
    const strict = await startFakeBotApi({ token: TOKEN, rejectBareAmpersand: true });
    try {
      const strictApi = new Api(TOKEN, { apiRoot: strict.apiRoot });
      strict.privateChat({ id: 1, first_name: "A" });
      const err = await apiError(strictApi.sendMessage(1, "Q&A", { parse_mode: "HTML" }));
      expect(err.description).toMatch(/^Bad Request: can't parse entities: .*unescaped "&" at byte offset 1/);
      expect((await strictApi.sendMessage(1, "Q&amp;A", { parse_mode: "HTML" })).text).toBe("Q&A");
    } finally {
      await strict.stop();
    }
  });

  it("limits the parsed text, not the HTML source, to 4096 characters", async () => {
    const long = "a".repeat(4096);
    expect((await send(`<b>${long}</b>`)).text).toHaveLength(4096);
    expect((await apiError(send(`${long}b`))).description).toBe("Bad Request: message is too long");
    expect((await apiError(send("<b> </b>"))).description).toBe("Bad Request: message text is empty");
    expect((await apiError(tg.sendMessage(sari.id, ""))).description).toBe("Bad Request: message text is empty");
  });

  it("derives entities in UTF-16 units, trims whitespace and merges pre/code", async () => {
    const msg = await send(
      '\n😀 <b>tebal <i>miring</i></b> <a href="https://layanan.go.id/ktp">KTP</a>\n' +
        '<pre><code class="language-python">print(1)</code></pre><tg-spoiler>rahasia</tg-spoiler>' +
        "<blockquote expandable>kutipan</blockquote> /start @sari https://indonesia.go.id \n",
    );
    expect(msg.text.startsWith("😀 tebal")).toBe(true);
    expect(msg.text.endsWith("https://indonesia.go.id")).toBe(true);
    const byType = Object.fromEntries((msg.entities ?? []).map((e) => [e.type, e]));
    expect(byType.bold).toEqual({ type: "bold", offset: 3, length: 12 });
    expect(byType.italic).toEqual({ type: "italic", offset: 9, length: 6 });
    expect(byType.text_link).toMatchObject({ offset: 16, length: 3, url: "https://layanan.go.id/ktp" });
    expect(byType.pre).toMatchObject({ language: "python", length: 8 });
    expect(byType.code).toBeUndefined();
    expect(byType.spoiler).toBeDefined();
    expect(byType.expandable_blockquote).toBeDefined();
    expect(byType.bot_command).toBeDefined();
    expect(byType.mention).toBeDefined();
    expect(byType.url).toBeDefined();
    const stored = api.botMessages(sari).at(-1)!;
    expect(stored.html).toContain("<tg-spoiler>");
    expect(stored.text).toBe(msg.text);
  });

  it("detects user-side entities like Telegram", async () => {
    const msg = await api.sendUserMessage({
      chat: sari,
      text: `/start@${USERNAME} halo @sari_99 #KTP2024 lihat layanan.go.id/ktp, a/b /x@ab 😀 /cari`,
    });
    const parts = (msg.entities ?? []).map((e) => [e.type, msg.text!.slice(e.offset, e.offset + e.length)]);
    expect(parts).toEqual([
      ["bot_command", `/start@${USERNAME}`],
      ["mention", "@sari_99"],
      ["hashtag", "#KTP2024"],
      ["url", "layanan.go.id/ktp"],
      ["bot_command", "/cari"],
    ]);
    // 😀 is two UTF-16 units.
    expect(msg.entities!.at(-1)!.offset).toBe(msg.text!.length - 5);
  });

  it("parses standalone like tdlib", () => {
    expect(parseTelegramHtml("<B>x</>")).toEqual({ text: "x", entities: [{ type: "bold", offset: 0, length: 1 }] });
    expect(parseTelegramHtml("&lt;b&gt &amp &quot &#x41;").text).toBe('<b> & " A');
    // tdlib reads the whole alphabetic run as the entity name, so "&ltb" is not "&lt" + "b".
    expect(parseTelegramHtml("&ltb").text).toBe("&ltb");
    expect(() => parseTelegramHtml('<a href="x>y</a>')).toThrow(/Unclosed start tag at byte offset 0/);
    expect(() => parseTelegramHtml("<b foo>x</b>")).toThrow(/Expected equal sign/);
    expect(parseTelegramHtml('<a href="javascript:alert(1)">x</a>').entities).toEqual([]);
  });
});

describe("sendMessage options", () => {
  it("validates chats and replies, and returns a full Message", async () => {
    expect((await apiError(tg.sendMessage(424242, "hi"))).description).toBe("Bad Request: chat not found");
    expect(
      (await apiError(tg.sendMessage(sari.id, "hi", { reply_parameters: { message_id: 99999 } }))).description,
    ).toBe("Bad Request: message to be replied not found");
    const lonely = await tg.sendMessage(sari.id, "hi", {
      reply_parameters: { message_id: 99999, allow_sending_without_reply: true },
    });
    expect(lonely.reply_to_message).toBeUndefined();

    const question = await api.sendUserMessage({ chat: sari, text: "Bagaimana cara membuat KTP?" });
    const reply = await tg.sendMessage(sari.id, "Begini caranya", {
      reply_parameters: { message_id: question.message_id, quote: "membuat KTP" },
      link_preview_options: { is_disabled: true },
      reply_markup: { inline_keyboard: [[{ text: "Sumber", url: "https://indonesia.go.id" }]] },
    });
    expect(reply).toMatchObject({
      message_id: question.message_id + 1,
      from: { id: 123456, is_bot: true, username: USERNAME },
      chat: { id: sari.id, type: "private", first_name: "Sari" },
      text: "Begini caranya",
      reply_to_message: { message_id: question.message_id, text: "Bagaimana cara membuat KTP?" },
      quote: { text: "membuat KTP", position: 15, is_manual: true },
      link_preview_options: { is_disabled: true },
      reply_markup: { inline_keyboard: [[{ text: "Sumber", url: "https://indonesia.go.id" }]] },
    });
    expect(reply.date).toBeCloseTo(Date.now() / 1000, -1);
    expect(api.botMessages(sari).at(-1)).toMatchObject({ replyToMessageId: question.message_id });
  });

  it("takes explicit entities instead of parse_mode, trimmed and clipped like Telegram", async () => {
    const text = "\nSumber: Dukcapil ";
    const entities = [
      { type: "bold" as const, offset: 1, length: 7 },
      { type: "text_link" as const, offset: 9, length: 8, url: "https://dukcapil.kemendagri.go.id" },
      { type: "mention" as const, offset: 0, length: 3 },
    ];
    const msg = await tg.sendMessage(sari.id, text, { entities });
    expect(msg.text).toBe("Sumber: Dukcapil");
    expect(msg.entities).toEqual([
      { type: "bold", offset: 0, length: 7 },
      { type: "text_link", offset: 8, length: 8, url: "https://dukcapil.kemendagri.go.id" },
    ]);
    const same = await apiError(tg.editMessageText(sari.id, msg.message_id, text, { entities }));
    expect(same.description).toMatch(/message is not modified/);
    await tg.editMessageText(sari.id, msg.message_id, text, { entities: entities.slice(1) });
  });

  it("validates inline keyboards", async () => {
    // Deliberately loose: the point is to send what the types would forbid.
    const kb = (button: Record<string, unknown>) =>
      ({ reply_markup: { inline_keyboard: [[{ text: "x", ...button }]] } }) as unknown as {
        reply_markup: InlineKeyboardMarkup;
      };
    expect((await apiError(tg.sendMessage(sari.id, "k", kb({ callback_data: "é".repeat(33) })))).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect((await apiError(tg.sendMessage(sari.id, "k", kb({ callback_data: "" })))).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect((await apiError(tg.sendMessage(sari.id, "k", kb({})))).description).toMatch(/Text buttons are unallowed/);
    expect((await apiError(tg.sendMessage(sari.id, "k", kb({ url: "not a url" })))).description).toMatch(/Wrong HTTP URL/);
    const ok = await tg.sendMessage(sari.id, "k", kb({ callback_data: "é".repeat(32) }));
    expect(ok.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: "x", callback_data: "é".repeat(32) });
    await tg.sendMessage(sari.id, "k", kb({ switch_inline_query: "ktp" }));
  });

  it("records chat actions and rejects unknown ones", async () => {
    await tg.sendChatAction(sari.id, "typing");
    expect(api.chatActions(sari).at(-1)).toMatchObject({ chatId: sari.id, action: "typing" });
    expect((await apiError(tg.sendChatAction(sari.id, "thinking" as "typing"))).description).toBe(
      "Bad Request: wrong parameter action in request",
    );
  });

  it("records commands per scope and language", async () => {
    await tg.setMyCommands([{ command: "start", description: "Mulai" }]);
    await tg.setMyCommands([{ command: "cari", description: "Cari artikel" }], { language_code: "id" });
    await tg.setMyCommands([{ command: "admin", description: "Admin" }], {
      scope: { type: "chat", chat_id: group.id },
    });
    expect(api.commands()).toEqual([{ command: "start", description: "Mulai" }]);
    expect(api.commands({ languageCode: "id" })).toEqual([{ command: "cari", description: "Cari artikel" }]);
    expect(await tg.getMyCommands({ scope: { type: "chat", chat_id: group.id } })).toEqual([
      { command: "admin", description: "Admin" },
    ]);
    expect((await apiError(tg.setMyCommands([{ command: "/Start", description: "x" }]))).description).toBe(
      "Bad Request: BOT_COMMAND_INVALID",
    );
    await tg.deleteMyCommands({ language_code: "id" });
    expect(api.commands({ languageCode: "id" })).toEqual([]);
  });
});

describe("editing", () => {
  it("enforces not-modified, records history and handles deletion", async () => {
    const markup = { inline_keyboard: [[{ text: "Lagi", callback_data: "more" }]] };
    const sent = await tg.sendMessage(sari.id, "<b>Draf</b>", { parse_mode: "HTML", reply_markup: markup });
    const same = await apiError(
      tg.editMessageText(sari.id, sent.message_id, "<strong>Draf</strong>", { parse_mode: "HTML", reply_markup: markup }),
    );
    expect(same.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    const edited = await tg.editMessageText(sari.id, sent.message_id, "<b>Final</b>", {
      parse_mode: "HTML",
      reply_markup: markup,
    });
    expect(edited).toMatchObject({ text: "Final", edit_date: expect.any(Number) });
    const { message, version } = await api.waitForBotEdit({ chat: sari, messageId: sent.message_id });
    expect(version.html).toBe("<b>Final</b>");
    expect(message.versions.map((v) => v.text)).toEqual(["Draf", "Final"]);

    expect((await apiError(tg.editMessageReplyMarkup(sari.id, sent.message_id, { reply_markup: markup }))).description).toMatch(
      /message is not modified/,
    );
    await tg.editMessageReplyMarkup(sari.id, sent.message_id);
    expect(api.botMessages(sari).find((m) => m.messageId === sent.message_id)?.replyMarkup).toBeUndefined();

    expect((await apiError(tg.editMessageText(sari.id, 987654, "x"))).description).toBe(
      "Bad Request: message to edit not found",
    );
    expect((await apiError(tg.editMessageText(sari.id, sent.message_id, "<i>x", { parse_mode: "HTML" }))).description).toMatch(
      /can't parse entities/,
    );
    await tg.deleteMessage(sari.id, sent.message_id);
    expect((await apiError(tg.editMessageText(sari.id, sent.message_id, "x"))).description).toBe(
      "Bad Request: message to edit not found",
    );
    expect((await apiError(tg.deleteMessage(sari.id, sent.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
  });
});

describe("with a running grammY bot", () => {
  let bot: Bot;
  const seen: string[] = [];

  beforeAll(async () => {
    // What the raw tests left queued would otherwise reach this bot.
    await drain();
    bot = new Bot(TOKEN, { client: { apiRoot: api.apiRoot } });
    bot.on("message", async (ctx) => {
      seen.push(ctx.message.text ?? "");
      if (ctx.message.text === "/tanya" || ctx.chat.type === "private") {
        await ctx.reply(`Jawaban untuk: ${ctx.message.text ?? ""}`, {
          reply_markup: { inline_keyboard: [[{ text: "👍", callback_data: "vote:up" }]] },
        });
      }
    });
    bot.on("edited_message:text", (ctx) => ctx.reply(`Diedit: ${ctx.editedMessage.text}`));
    bot.on("channel_post:text", (ctx) => ctx.reply(`Diterima: ${ctx.channelPost.text}`));
    bot.on("callback_query:data", async (ctx) => {
      await ctx.answerCallbackQuery({ text: `Terima kasih (${ctx.callbackQuery.data})` });
    });
    bot.on("inline_query", async (ctx) => {
      await ctx.answerInlineQuery(
        [
          {
            type: "article",
            id: "ktp-1",
            title: "KTP elektronik",
            input_message_content: { message_text: "<b>KTP</b> elektronik", parse_mode: "HTML" },
            reply_markup: { inline_keyboard: [[{ text: "Buka", url: "https://indonesia.go.id" }]] },
          },
        ],
        { cache_time: 0 },
      );
    });
    void bot.start({ drop_pending_updates: false });
    await api.waitForPolling();
  });

  afterAll(async () => {
    await bot.stop();
  });

  it("idles on one held long poll", async () => {
    const before = api.calls("getUpdates").length;
    await sleep(800);
    expect(api.calls("getUpdates").length - before).toBeLessThanOrEqual(1);
  });

  it("replies in private chats and lets buttons be pressed", async () => {
    await api.sendUserMessage({ chat: sari, text: "Apa itu SIM online?" });
    const reply = await api.waitForBotMessage({ chat: sari, predicate: (m) => m.text.startsWith("Jawaban") });
    expect(reply.text).toBe("Jawaban untuk: Apa itu SIM online?");
    const id = await api.pressButton({ message: reply, callbackData: "vote:up" });
    expect(await api.waitForCallbackAnswer(id)).toEqual({ text: "Terima kasih (vote:up)" });
    await expect(api.pressButton({ message: reply, callbackData: "vote:down" })).rejects.toThrow(/no button/);
    expect((await apiError(tg.answerCallbackQuery(id))).description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });

  it("filters group messages like privacy mode", async () => {
    const budi = api.user({ id: 2002, first_name: "Budi" });
    const other = api.user({ id: 3003, first_name: "OtherBot", is_bot: true, username: "OtherBot" });
    seen.length = 0;
    await api.sendUserMessage({ chat: group, from: budi, text: "halo semua" });
    await api.sendUserMessage({ chat: group, from: budi, text: "/tanya@OtherBot" });
    await api.sendUserMessage({ chat: group, from: other, text: `/tanya@${USERNAME}` });
    await api.sendUserMessage({ chat: group, from: budi, text: "/tanya" });
    const answer = await api.waitForBotMessage({ chat: group });
    await api.sendUserMessage({ chat: group, from: budi, text: `tolong @${USERNAME.toLowerCase()} jelaskan` });
    await api.sendUserMessage({ chat: group, from: budi, text: `/tanya@${USERNAME} pajak` });
    await api.sendUserMessage({ chat: group, from: budi, text: "terima kasih", replyTo: answer });
    await api.waitForConfirmation();
    expect(seen).toEqual(["/tanya", `tolong @${USERNAME.toLowerCase()} jelaskan`, `/tanya@${USERNAME} pajak`, "terima kasih"]);
    const delivered = api.deliveries().filter((d) => d.message.chat.id === group.id);
    expect(delivered.filter((d) => !d.delivered).map((d) => d.reason)).toEqual([
      "privacy mode: no command, mention or reply to the bot",
      "privacy mode: no command, mention or reply to the bot",
      "bots never see messages from other bots in groups",
    ]);
    const replyUpdate = delivered.at(-1)!.update!;
    expect(replyUpdate.message?.reply_to_message).toMatchObject({ message_id: answer.messageId, from: { id: 123456 } });
  });

  it("delivers edited messages and channel posts", async () => {
    const typo = await api.sendUserMessage({ chat: sari, text: "KTP hilangg" });
    await api.waitForBotMessage({ chat: sari, predicate: (m) => m.text === "Jawaban untuk: KTP hilangg" });
    const edited = await api.editUserMessage({ chat: sari, message: typo, text: "KTP hilang" });
    expect(edited.edit_date).toEqual(expect.any(Number));
    expect((await api.waitForBotMessage({ chat: sari })).text).toBe("Diedit: KTP hilang");
    const news = api.channel({ title: "Kabar Layanan", username: "kabarlayanan" });
    const post = await api.sendUserMessage({ chat: news, text: "Jadwal baru" });
    expect(post.sender_chat?.id).toBe(news.id);
    const answer = await api.waitForBotMessage({ chat: news });
    expect(answer.message).toMatchObject({ sender_chat: { id: news.id }, text: "Diterima: Jadwal baru" });
    expect(answer.message.from).toBeUndefined();
    expect(api.updates().slice(-2).map((u) => u.type)).toEqual(["edited_message", "channel_post"]);
  });

  it("serves inline queries and validates the answer", async () => {
    const answer = await api.inlineQuery({ from: sari.user!, query: "ktp" });
    expect(answer.results.map((r) => r.id)).toEqual(["ktp-1"]);
    expect(answer.rendered[0]).toMatchObject({ text: "KTP elektronik", entities: [{ type: "bold", offset: 0, length: 3 }] });
    const { inlineMessageId } = api.chooseInlineResult({ from: sari.user!, query: "ktp", resultId: "ktp-1" });
    expect(await tg.editMessageTextInline(inlineMessageId!, "KTP elektronik (diperbarui)")).toBe(true);
  });
});

describe("inline answer validation", () => {
  it("enforces result count, ids and message text", async () => {
    const article = (id: string, text = "ok") => ({
      type: "article" as const,
      id,
      title: "t",
      input_message_content: { message_text: text, parse_mode: "HTML" as const },
    });
    const pending = api.inlineQuery({ from: sari.user!, query: "manual", timeoutMs: 3000 });
    const queryId = api.inlineQueries().at(-1)!.id;
    const many = Array.from({ length: 51 }, (_, i) => article(`r${i}`));
    expect((await apiError(tg.answerInlineQuery(queryId, many))).description).toBe("Bad Request: RESULTS_TOO_MUCH");
    expect((await apiError(tg.answerInlineQuery(queryId, [article("a"), article("a")]))).description).toBe(
      "Bad Request: RESULT_ID_DUPLICATE",
    );
    expect((await apiError(tg.answerInlineQuery(queryId, [article("x".repeat(65))]))).description).toBe(
      "Bad Request: RESULT_ID_INVALID",
    );
    expect((await apiError(tg.answerInlineQuery(queryId, [article("a", "<b>x")]))).description).toMatch(
      /can't parse entities/,
    );
    expect((await apiError(tg.answerInlineQuery(queryId, [article("a", "y".repeat(4097))]))).description).toBe(
      "Bad Request: message is too long",
    );
    expect(await tg.answerInlineQuery(queryId, [article("a")])).toBe(true);
    expect((await pending).results.map((r) => r.id)).toEqual(["a"]);
    expect((await apiError(tg.answerInlineQuery(queryId, [article("a")]))).description).toMatch(/query is too old/);
    expect((await apiError(tg.answerInlineQuery("123", []))).description).toMatch(/query is too old/);
  });
});

describe("files", () => {
  it("lets the bot fetch a user's document via getFile and download it", async () => {
    const bytes = Buffer.from("Persyaratan KTP: fotokopi KK\n");
    const msg = await api.sendUserDocument({ chat: sari, fileName: "syarat ktp.txt", content: bytes, caption: "lihat" });
    expect(msg.document).toMatchObject({ file_name: "syarat ktp.txt", mime_type: "text/plain", file_size: bytes.length });
    const file = await tg.getFile(msg.document!.file_id);
    expect(file.file_path).toMatch(/^documents\/file_\d+\.txt$/);
    const res = await fetch(`${api.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${api.apiRoot}/file/bot${TOKEN}/documents/nope.txt`)).status).toBe(404);

    const big = await api.sendUserDocument({ chat: sari, fileName: "scan.pdf", content: "x", size: 21 * 1024 * 1024 });
    expect((await apiError(tg.getFile(big.document!.file_id))).description).toBe("Bad Request: file is too big");
    expect((await apiError(tg.getFile("nope"))).description).toBe("Bad Request: invalid file_id");
  });

  it("parses grammY's multipart sendDocument, including odd file names", async () => {
    const content = Buffer.from("%PDF-1.4 fake panduan");
    const sent = await tg.sendDocument(sari.id, new InputFile(content, "Panduan KTP éléctronique.pdf"), {
      caption: "<b>Panduan</b> lengkap",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Unduh lagi", callback_data: "again" }]] },
    });
    expect(sent.document).toMatchObject({ file_name: "Panduan KTP éléctronique.pdf", mime_type: "application/pdf" });
    expect(sent.caption).toBe("Panduan lengkap");
    expect(sent.caption_entities).toEqual([{ type: "bold", offset: 0, length: 7 }]);
    expect(api.file(sent.document!.file_id)?.data).toEqual(content);
    const call = api.calls("sendDocument").at(-1)!;
    expect(call.files).toEqual([expect.objectContaining({ filename: "Panduan KTP éléctronique.pdf", size: content.length })]);
    // Re-sending by file_id reuses the stored file.
    const again = await tg.sendDocument(sari.id, sent.document!.file_id);
    expect(again.document?.file_id).toBe(sent.document!.file_id);
    expect((await apiError(tg.sendDocument(sari.id, new InputFile(Buffer.alloc(0), "empty.txt")))).description).toBe(
      "Bad Request: file must be non-empty",
    );
  });

  it("repairs unquoted multipart file names without touching quoted ones", () => {
    const body = Buffer.from(
      '--B\r\ncontent-disposition:form-data;name="a";filename=x y.pdf\r\ncontent-type:application/octet-stream\r\n\r\nDATA\r\n' +
        '--B\r\nContent-Disposition: form-data; name="b"; filename="q.txt"\r\n\r\nQ\r\n--B--\r\n',
    );
    const fixed = repairDispositions(body, "B").toString();
    expect(fixed).toContain(`Content-Disposition: form-data; name="a"; filename*=UTF-8''x%20y.pdf`);
    expect(fixed).toContain('filename="q.txt"');
    expect(fixed).toContain("\r\n\r\nDATA\r\n");
  });
});

describe("faults", () => {
  afterEach(() => api.faults.clear());

  it("recovers from a 429 with @grammyjs/auto-retry", async () => {
    const retrying = new Api(TOKEN, { apiRoot: api.apiRoot });
    retrying.config.use(autoRetry());
    api.faults.inject({ method: "sendMessage", kind: "429", retryAfter: 1 });
    const started = Date.now();
    const limited = api.waitForCall("sendMessage", { since: started, predicate: (c) => c.httpStatus === 429 });
    const msg = await retrying.sendMessage(sari.id, "setelah jeda");
    expect((await limited).description).toBe("Too Many Requests: retry after 1");
    expect(msg.text).toBe("setelah jeda");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const calls = api.calls("sendMessage").slice(-2);
    expect(calls.map((c) => [c.httpStatus, c.fault])).toEqual([
      [429, "429"],
      [200, undefined],
    ]);
    expect(calls[0]!.description).toBe("Too Many Requests: retry after 1");
  });

  it("answers 429/500/502 in Telegram's envelope", async () => {
    api.faults.inject({ method: ["getMe"], kind: "429", retryAfter: 7 });
    expect(await raw("getMe", {})).toEqual({
      status: 429,
      json: { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } },
    });
    api.faults.inject({ kind: "500", times: 2 });
    expect((await raw("getMe", {})).status).toBe(500);
    expect((await raw("getMe", {})).json).toEqual({ ok: false, error_code: 500, description: "Internal Server Error" });
    expect((await raw("getMe", {})).status).toBe(200);
    api.faults.inject({ method: "getMe", kind: "502", html: true });
    expect(await apiErrorOrHttp(tg.getMe())).toBeInstanceOf(HttpError);
  });

  it("drops the connection, optionally after the method ran", async () => {
    api.faults.inject({ method: "sendMessage", kind: "reset" });
    expect(await apiErrorOrHttp(tg.sendMessage(sari.id, "hilang"))).toBeInstanceOf(HttpError);
    const before = api.botMessages(sari).length;
    api.faults.inject({ method: "sendMessage", kind: "reset", when: "after" });
    expect(await apiErrorOrHttp(tg.sendMessage(sari.id, "terkirim tapi tak terjawab"))).toBeInstanceOf(HttpError);
    expect(api.botMessages(sari).length).toBe(before + 1);
    expect(api.botMessages(sari).at(-1)?.text).toBe("terkirim tapi tak terjawab");
  });

  it("stalls until the client times out", async () => {
    const impatient = new Api(TOKEN, { apiRoot: api.apiRoot, timeoutSeconds: 1 });
    api.faults.inject({ method: "sendChatAction", kind: "stall" });
    const err = await apiErrorOrHttp(impatient.sendChatAction(sari.id, "typing"));
    expect(err).toBeInstanceOf(HttpError);
    expect(String((err as HttpError).error)).toMatch(/timed out after 1 seconds/);
    expect(api.calls("sendChatAction").at(-1)?.outcome).toMatch(/stalled|client-aborted/);
  });

  it("simulates an outage, including the held long poll, and recovery", async () => {
    await drain();
    const poll = raw("getUpdates", { timeout: 5 });
    await sleep(50);
    api.faults.setDown(true);
    expect((await poll).status).toBe(502);
    expect((await raw("getMe", {})).json).toEqual({ ok: false, error_code: 502, description: "Bad Gateway" });
    api.faults.setDown(false);
    expect((await raw("getMe", {})).status).toBe(200);
    expect(api.failedCalls().some((c) => c.httpStatus === 502)).toBe(false);
  });
});

async function apiErrorOrHttp(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}
