import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBotProcess, tail } from "../e2e/bot-process.js";
import { startFakeBotApi, type BotMessage, type ChatHandle } from "../fake-bot-api/index.js";
import { townArticle } from "./articles.js";
import { BANDUNG_BARAT, KNOWN_QUESTION, sleep, startWorld, TOKEN, TOKEN_SECRET, until, USERNAME, type World } from "./helpers.js";

/*
 * Access control and abuse, against the real bot process:
 *  - only ADMIN_USER_IDS change the knowledge base: commands, uploads and (real or hand-crafted) admin buttons;
 *  - ALLOWED_CHAT_IDS is enforced for messages, button presses and inline queries;
 *  - per-user (RATE_LIMIT_PER_MINUTE=3 here) and per-group (RATE_LIMIT_PER_CHAT_PER_MINUTE=4) limits answer
 *    with one friendly notice per window, then stay silent;
 *  - the bot token never shows up in logs (stdout and stderr) or in anything sent to Telegram;
 *  - article text full of markup characters is quoted literally (text + entities, no parse mode).
 */

const ADMIN_ID = 90_001;
const ALLOWED_USERS = Array.from({ length: 40 }, (_, i) => 80_001 + i);
const ALLOWED_GROUP = -1_001_500_000_001;
const BUSY_GROUPS = [-1_001_500_000_002, -1_001_500_000_004];
const OTHER_GROUP = -1_001_500_000_003;
const ADMIN_ONLY = "Sorry, only the bot's administrators can do that.";

let world: World;
let admin: ChatHandle;
let nextAllowed = 0;

/** A private chat with a user on the allow list (each test takes fresh ones: the per-user limit is 3/min). */
function allowedUser(languageCode = "en"): ChatHandle {
  const id = ALLOWED_USERS[nextAllowed++]!;
  return world.api.privateChat({ id, first_name: `Allowed${id}`, language_code: languageCode });
}

beforeAll(async () => {
  world = await startWorld({
    adminIds: [ADMIN_ID],
    env: { ALLOWED_CHAT_IDS: [...ALLOWED_USERS, ALLOWED_GROUP, ...BUSY_GROUPS].join(","), RATE_LIMIT_PER_MINUTE: "3", RATE_LIMIT_PER_CHAT_PER_MINUTE: "4" },
    fake: { rejectBareAmpersand: true },
  });
  admin = world.admins[0]!;
}, 300_000);

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(`--- bot log (last lines) ---\n${tail(world?.bot, 80)}`);
});

afterAll(async () => {
  await world?.close();
});

const refreshes = () => world.bot.logRecords().filter((record) => record.msg === "knowledge refreshed").length;

describe("only admins change the knowledge base", () => {
  it("/reload, /remove and /stats from a non-admin are refused, in private and in a group; nothing is refreshed", async () => {
    const user = allowedUser();
    const before = refreshes();
    for (const command of ["/reload", "/remove banyuwangi-rujukan-e-government", "/remove", "/stats"]) {
      expect((await world.ask(user, command)).text).toBe(ADMIN_ONLY);
    }
    const group = world.api.groupChat({ id: ALLOWED_GROUP, title: "Diizinkan" });
    const member = world.api.user({ id: ALLOWED_USERS[39]!, first_name: "Member", language_code: "en" });
    const asked = await world.api.sendUserMessage({ chat: group, from: member, text: `/reload@${USERNAME}` });
    const refusal = await world.api.waitForBotMessage({ chat: group });
    expect(refusal.text).toBe(ADMIN_ONLY);
    expect(refusal.replyToMessageId).toBe(asked.message_id);
    await sleep(500);
    expect(refreshes()).toBe(before);
    expect(existsSync(path.join(world.knowledgeDir, "banyuwangi-rujukan-e-government.txt"))).toBe(true);
  });

  it("an upload from a non-admin is refused and not stored", async () => {
    const user = allowedUser();
    const article = townArticle(301);
    await world.api.sendUserDocument({ chat: user, fileName: article.file, content: article.text });
    expect((await world.api.waitForBotMessage({ chat: user })).text).toBe("Sorry, only the bot's administrators can add articles. To ask a question, send it as text.");
    expect(existsSync(path.join(world.knowledgeDir, article.file))).toBe(false);
    expect(world.api.calls("getFile").filter((call) => call.at > Date.now() - 5_000)).toEqual([]);
  });

  it("admin buttons pressed by a non-admin (a real /remove keyboard in a group, and crafted data) are refused", async () => {
    const group = world.api.groupChat({ id: ALLOWED_GROUP, title: "Diizinkan" });
    world.api.skipBotMessages(group);
    await world.api.sendUserMessage({ chat: group, from: admin.user!, text: `/remove@${USERNAME}` });
    const keyboard = await world.api.waitForBotMessage({ chat: group });
    const buttons = (keyboard.message.reply_markup?.inline_keyboard ?? []).flat().flatMap((button) => ("callback_data" in button && button.callback_data ? [button.callback_data] : []));
    expect(buttons.length).toBe(5);
    const member = world.api.user({ id: ALLOWED_USERS[38]!, first_name: "Member2", language_code: "en" });
    const pressed = await world.api.pressButton({ message: keyboard, callbackData: buttons[0]!, from: member });
    expect(await world.api.waitForCallbackAnswer(pressed)).toMatchObject({ text: ADMIN_ONLY, show_alert: true });
    // Crafted: an "ar:" button that was never offered, pressed on an ordinary answer.
    const user = allowedUser();
    const answer = await world.ask(user, KNOWN_QUESTION);
    for (const data of ["ar:00000000", `ar:${buttons[1]!.slice(3)}`, "ar:../../etc/passwd"]) {
      const id = await world.api.pressButton({ message: answer, callbackData: data, force: true });
      expect(await world.api.waitForCallbackAnswer(id)).toMatchObject({ text: ADMIN_ONLY, show_alert: true });
    }
    await sleep(300);
    expect(world.bot.logRecords().filter((record) => record.msg === "article removed")).toEqual([]);
    expect(world.bot.logRecords().filter((record) => record.msg === "admin button refused").length).toBe(4);
  });

  it("the admin can (control): /stats in the admin's private chat, which is served although not on the allow list", async () => {
    world.api.skipBotMessages(admin);
    expect((await world.ask(admin, "/stats")).text).toContain("Statistics");
  });
});

describe("ALLOWED_CHAT_IDS", () => {
  it("a private chat not on the list gets a polite refusal, and the question never reaches the engine", async () => {
    const stranger = world.api.privateChat({ id: 81_001, first_name: "Stranger", language_code: "en" });
    const answered = world.bot.logRecords().filter((record) => record.msg === "question answered").length;
    expect((await world.ask(stranger, KNOWN_QUESTION)).text).toBe("Sorry, this bot does not serve this chat.");
    await sleep(300);
    expect(world.bot.logRecords().filter((record) => record.msg === "question answered").length).toBe(answered);
  });

  it("a group not on the list is ignored (no reply at all in someone else's group)", async () => {
    const group = world.api.groupChat({ id: OTHER_GROUP, title: "Lain" });
    const member = world.api.user({ id: 81_002, first_name: "Outsider" });
    await world.api.sendUserMessage({ chat: group, from: member, text: `/ask@${USERNAME} ${KNOWN_QUESTION}` });
    await world.api.sendUserMessage({ chat: group, from: member, text: `@${USERNAME} ${KNOWN_QUESTION}` });
    await sleep(1_000);
    expect(world.api.botMessages(group)).toEqual([]);
  });

  it("button presses from a chat not on the list get an alert and nothing else", async () => {
    const stranger = world.api.privateChat({ id: 81_003, first_name: "Stranger2", language_code: "en" });
    const refusal = await world.ask(stranger, KNOWN_QUESTION);
    for (const data of ["m:abcdefgh", "p:abcdefgh:0", "f:abcdefgh:u"]) {
      const id = await world.api.pressButton({ message: refusal, callbackData: data, force: true });
      expect(await world.api.waitForCallbackAnswer(id)).toMatchObject({ text: "Sorry, this bot does not serve this chat.", show_alert: true });
    }
    expect(world.api.botMessages(stranger)).toHaveLength(1);
  });

  it("inline queries: no results for users not on the list, answers for those on it", async () => {
    const stranger = world.api.user({ id: 81_004, first_name: "Inline stranger", language_code: "en" });
    const refused = await world.api.inlineQuery({ from: stranger, query: "which region did Bandung Barat study?" });
    expect(refused.results).toEqual([]);
    expect(refused.is_personal).toBe(true);
    const member = world.api.user({ id: ALLOWED_USERS[37]!, first_name: "Inline member", language_code: "en" });
    const served = await world.api.inlineQuery({ from: member, query: "which region did Bandung Barat study?" });
    expect(served.rendered[0]?.text).toContain(BANDUNG_BARAT);
  });

  it("buttons under an answer in an allowed chat work (control)", async () => {
    const user = allowedUser("en");
    const answer = await world.ask(user, "which region did Bandung Barat study?");
    const up = (answer.message.reply_markup?.inline_keyboard ?? []).flat().flatMap((b) => ("callback_data" in b && b.callback_data ? [b.callback_data] : [])).find((data) => data.endsWith(":u"))!;
    const id = await world.api.pressButton({ message: answer, callbackData: up });
    expect((await world.api.waitForCallbackAnswer(id)).text).toContain("Thanks");
  });
});

describe("rate limits: one friendly notice per window, then silence", () => {
  /** Fixed 60 s windows restart on a timer: a burst that straddles a restart is repeated once with fresh senders. */
  async function burst<T>(run: (attempt: number) => Promise<T>, straddled: (result: T) => boolean): Promise<T> {
    const first = await run(0);
    return straddled(first) ? run(1) : first;
  }

  it("per user (3/min): a burst of 6 questions → 3 answers, 1 notice; another user is unaffected", async () => {
    const result = await burst(
      async () => {
        const user = allowedUser("id");
        for (let i = 0; i < 6; i++) await world.api.sendUserMessage({ chat: user, text: `${KNOWN_QUESTION} (${i})` });
        await until("the burst to be handled", () => world.api.botMessages(user).length >= 4, 30_000);
        await sleep(800);
        return world.api.botMessages(user).map((message) => message.text);
      },
      (texts) => texts.filter((text) => text.includes(BANDUNG_BARAT)).length > 3,
    );
    expect(result.filter((text) => text.includes(BANDUNG_BARAT))).toHaveLength(3);
    expect(result.filter((text) => text === "Pelan-pelan ya 🙂 Anda mengirim terlalu banyak pertanyaan. Coba lagi sebentar lagi.")).toHaveLength(1);
    expect(result).toHaveLength(4);
    expect((await world.ask(allowedUser("id"), KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);
  });

  it("per group (4/min): three members asking 2 questions each → 4 answers, 1 notice for the group", async () => {
    const result = await burst(
      async (attempt) => {
        // A fresh group per attempt: a group's count from a straddling attempt would carry into the new window.
        const group = world.api.groupChat({ id: BUSY_GROUPS[attempt]!, title: "Ramai" });
        world.api.skipBotMessages(group);
        const members = [0, 1, 2].map(() => world.api.user({ id: ALLOWED_USERS[nextAllowed++]!, first_name: "Busy", language_code: "en" }));
        const questions: number[] = [];
        for (let round = 0; round < 2; round++) {
          for (const member of members) questions.push((await world.api.sendUserMessage({ chat: group, from: member, text: `/ask@${USERNAME} ${KNOWN_QUESTION}` })).message_id);
        }
        await until("the group burst to be handled", () => world.api.botMessages(group).filter((m) => questions.includes(m.replyToMessageId ?? 0)).length >= 5, 30_000);
        await sleep(800);
        return world.api.botMessages(group).filter((m) => questions.includes(m.replyToMessageId ?? 0));
      },
      (messages: BotMessage[]) => messages.filter((m) => m.text.includes(BANDUNG_BARAT)).length > 4,
    );
    expect(result.filter((m) => m.text.includes(BANDUNG_BARAT))).toHaveLength(4);
    expect(result.filter((m) => m.text === "This group is sending a lot of questions at once 🙂 I'll answer again shortly; please try again in a minute.")).toHaveLength(1);
    expect(result).toHaveLength(5);
    // The plugin calls the notice handler once per window (the 5th question); the 6th is dropped silently.
    expect(world.bot.logRecords().filter((record) => record.msg === "chat rate limited").length).toBeGreaterThanOrEqual(1);
  });

  it("inline queries have their own budget (60/min): the 61st gets the 'wait a moment' button", async () => {
    const member = world.api.user({ id: ALLOWED_USERS[36]!, first_name: "Typist", language_code: "en" });
    const answers = [];
    for (let i = 0; i < 61; i++) answers.push(await world.api.inlineQuery({ from: member, query: `which region did Bandung Barat study ${i}` }));
    const limited = answers.filter((answer) => answer.button?.text === "Too many requests — wait a moment");
    // A window restart during the 61 queries lets all of them through; that is the only accepted exception.
    expect(limited.length === 1 || limited.length === 0).toBe(true);
    if (limited.length === 1) expect(answers.at(-1)!.button?.text).toBe("Too many requests — wait a moment");
  });
});

describe("markup characters in articles are quoted literally (entities, never parsed)", () => {
  const TITLE = "Uji <script>alert(1)</script> & </blockquote> *_[Markdown] &amp; <b>";
  const SENTENCE = "Kota Markah meluncurkan portal <script>alert('x')</script> & </blockquote> dengan tanda *_[ dan &amp; serta <b>tebal</b> untuk layanan perizinan daring.";

  it("an article whose title and text are full of HTML/Markdown is answered, listed and shown in full passage and inline", async () => {
    const text = ["---", `title: "${TITLE}"`, "source: Warta <i>Uji</i>", "date: 2024-06-01", "---", SENTENCE, "", "Wali Kota Markah mengatakan portal itu memangkas waktu pengurusan izin menjadi dua hari kerja bagi pelaku usaha kecil.", "", "Portal tersebut dikembangkan oleh dinas komunikasi dan informatika bersama perguruan tinggi setempat selama empat bulan."].join("\n");
    world.api.skipBotMessages(admin);
    await world.api.sendUserDocument({ chat: admin, fileName: "markah.md", content: text });
    const added = await world.api.waitForBotEdit({ chat: admin, predicate: (_m, version) => /Added article|not added/.test(version.text), timeoutMs: 120_000 });
    expect(added.version.text).toContain(`Added article “${TITLE}”`);

    const user = allowedUser("id");
    const answer = await world.ask(user, "Apa yang diluncurkan Kota Markah untuk layanan perizinan daring?");
    expect(answer.text).toContain("<script>alert('x')</script> & </blockquote> dengan tanda *_[ dan &amp; serta <b>tebal</b>");
    expect(answer.text).toContain(TITLE);
    expect(answer.params.parse_mode).toBeUndefined();
    const types = new Set(answer.entities.map((entity) => entity.type));
    for (const type of types) expect(["bold", "italic", "blockquote", "expandable_blockquote", "text_link", "code"]).toContain(type);
    for (const entity of answer.entities) expect(entity.offset + entity.length).toBeLessThanOrEqual(answer.text.length);

    const passage = (answer.message.reply_markup?.inline_keyboard ?? []).flat().flatMap((b) => ("callback_data" in b && b.callback_data ? [b.callback_data] : [])).find((data) => data.startsWith("p:"))!;
    await world.api.waitForCallbackAnswer(await world.api.pressButton({ message: answer, callbackData: passage }));
    expect((await world.api.waitForBotMessage({ chat: user })).text).toContain("<script>alert('x')</script>");

    world.api.skipBotMessages(admin);
    expect((await world.ask(admin, "/sources")).text).toContain(TITLE);
    const member = world.api.user({ id: ALLOWED_USERS[35]!, first_name: "Inline2", language_code: "id" });
    const inline = await world.api.inlineQuery({ from: member, query: "Apa yang diluncurkan Kota Markah untuk layanan perizinan daring?" });
    expect(inline.rendered[0]?.text).toContain("</blockquote> dengan tanda *_[ dan &amp;");
    expect(world.api.failedCalls().map((call) => `${call.method}: ${call.description}`)).toEqual([]);
  });
});

describe("the bot token", () => {
  it("never appears in the logs (stderr and stdout), in any message, callback answer or inline result, even after errors", async () => {
    // Provoke error paths whose messages could carry URLs: failing sends and a failing file download.
    const user = allowedUser("id");
    world.api.faults.inject({ method: "sendMessage", kind: "500", match: (params) => Number(params.chat_id) === user.id });
    expect((await world.ask(user, KNOWN_QUESTION, 60_000)).text).toContain(BANDUNG_BARAT);
    world.api.skipBotMessages(admin);
    const article = townArticle(302);
    world.api.faults.inject({ method: "getFile", kind: "reset", times: 1 });
    await world.api.sendUserDocument({ chat: admin, fileName: article.file, content: article.text });
    await world.api.waitForBotEdit({ chat: admin, predicate: (_m, version) => /Added article|Could not download|not added/.test(version.text), timeoutMs: 60_000 });
    // A document whose file_id Telegram does not know: getFile fails, the admin is told why.
    world.api.skipBotMessages(admin);
    await world.api.sendUserMessage({ chat: admin, content: { document: { file_id: "AgADgone-file-id", file_unique_id: "gone", file_name: "hilang.txt", file_size: 10 } } });
    const lost = await world.api.waitForBotEdit({ chat: admin, predicate: (_m, version) => /Could not download|not added/.test(version.text), timeoutMs: 60_000 });
    expect(lost.version.text).toBe("Could not download the file from Telegram: Bad Request: invalid file_id");

    const everything = [
      world.bot.logs.join("\n"),
      world.api.botMessages().map((message) => message.versions.map((version) => version.text).join("\n")).join("\n"),
      world.api.callbackQueries().map((query) => JSON.stringify(query)).join("\n"),
      world.api.inlineQueries().map((query) => JSON.stringify(query)).join("\n"),
    ].join("\n");
    expect(everything).not.toContain(TOKEN_SECRET);
    expect(readFileSync(path.join(world.dataDir, "bot-stats.json"), "utf8")).not.toContain(TOKEN_SECRET);
  }, 120_000);

  it("a wrong token at startup: the bot exits with a clear error, without printing the token", async () => {
    const api = await startFakeBotApi({ token: TOKEN, botUsername: USERNAME });
    const wrong = "7000000009:AAWrongTokenThatTelegramDoesNotKnow_zz";
    const bot = startBotProcess({ token: wrong, apiRoot: api.apiRoot, adminIds: [ADMIN_ID], env: { LOG_LEVEL: "debug" } });
    try {
      const exit = await Promise.race([bot.exited, sleep(120_000).then(() => "timeout" as const)]);
      expect(exit).toEqual({ code: 1, signal: null });
      const output = bot.logs.join("\n");
      expect(output).toMatch(/401|Unauthorized/);
      expect(output).not.toContain(wrong.split(":")[1]);
      console.info(`[access] wrong token: ${bot.logs.filter((line) => /401|Unauthorized/.test(line)).slice(-1)[0]}`);
    } finally {
      bot.cleanup();
      await api.stop();
    }
  }, 150_000);
});

describe("afterwards", () => {
  it("the bot is up and Telegram refused nothing it sent", async () => {
    expect(world.alive()).toBe(true);
    // The one refusal is the test's own doing: a document whose file_id Telegram does not know.
    expect(world.api.failedCalls().map((call) => `${call.method}: ${call.description}`)).toEqual(["getFile: Bad Request: invalid file_id"]);
    expect(world.api.internalErrors()).toEqual([]);
    expect(world.bot.logRecords().filter((record) => record.msg === "unhandled bot error")).toEqual([]);
  });
});

