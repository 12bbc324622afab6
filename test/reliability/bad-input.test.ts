import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tail } from "../e2e/bot-process.js";
import type { BotMessage, ChatHandle, UserMessageInput } from "../fake-bot-api/index.js";
import { longArticle, townArticle } from "./articles.js";
import { BANDUNG_BARAT, hashTree, KNOWN_QUESTION, listFiles, lostOrChanged, sleep, startWorld, TOKEN_SECRET, until, USERNAME, type World } from "./helpers.js";

/*
 * Bad input to the real bot process through the fake Bot API: every message gets a clear reply or is ignored on
 * purpose (and the test says which), nothing Telegram would refuse is ever sent, no file escapes the knowledge
 * folder, no article is lost, and the bot stays up. MAX_UPLOAD_BYTES is 5 MB here (default 20 MB).
 */

const MAX_UPLOAD = 5 * 1024 * 1024;
let world: World;
let admin: ChatHandle;
let knowledgeBefore: Map<string, string>;

beforeAll(async () => {
  world = await startWorld({ env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD), RATE_LIMIT_PER_MINUTE: "1000" }, fake: { rejectBareAmpersand: true } });
  admin = world.admins[0]!;
  knowledgeBefore = hashTree(world.knowledgeDir);
}, 300_000);

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(`--- bot log (last lines) ---\n${tail(world?.bot, 80)}`);
});

afterAll(async () => {
  await world?.close();
});

const W = {
  empty: "Tulis pertanyaan Anda",
  notFound: "Maaf, basis pengetahuan belum memuat informasi yang relevan",
  found: "Menurut basis pengetahuan:",
  sendText: "Kirim pertanyaan Anda sebagai teks",
  tooLong: "hanya membaca 1000 karakter pertama",
  help: "Cara memakai bot ini",
  askUsage: "Tulis pertanyaannya setelah perintah",
};

/** Sends a text from a fresh user and returns the reply. */
async function reply(text: string, languageCode = "id"): Promise<BotMessage> {
  return world.ask(world.newUser(languageCode), text);
}

/** Nothing arrives in `chat` for a while: the update was ignored (on purpose). */
async function expectSilence(chat: ChatHandle | number, ms = 1_200): Promise<void> {
  const before = world.api.botMessages(chat).length;
  await sleep(ms);
  expect(world.api.botMessages(chat)).toHaveLength(before);
}

/** The admin's upload outcome: the final text of the progress message, or the direct reply. */
async function upload(fileName: string, content: Buffer | string, extra: { size?: number; mimeType?: string } = {}): Promise<string> {
  world.api.skipBotMessages(admin);
  await world.api.sendUserDocument({ chat: admin, fileName, content, ...extra });
  const first = await world.api.waitForBotMessage({ chat: admin, timeoutMs: 120_000 });
  if (!/^Received /.test(first.versions[0]!.text)) return first.text;
  const done = await world.api.waitForBotEdit({ chat: admin, messageId: first.messageId, predicate: (_m, version) => /Added article|not added|could not|Could not/.test(version.text), timeoutMs: 180_000 });
  return done.version.text;
}

describe("text that is not an ordinary question", () => {
  it("whitespace only → 'type your question'", async () => {
    expect((await reply(" \t  \n ")).text).toContain(W.empty);
  });

  it("zero-width characters only → 'type your question' (not a search for nothing)", async () => {
    expect((await reply("\u200b\u200c\u200d\u2060\ufeff")).text).toContain(W.empty);
  });

  it("a 4096-character question → answered from its first 1000 characters, with a notice", async () => {
    const question = `${KNOWN_QUESTION} ${"kata ".repeat(1000)}`.slice(0, 4096);
    expect(question).toHaveLength(4096);
    const answer = await reply(question);
    expect(answer.text).toContain(W.tooLong);
    expect(answer.text).toContain(BANDUNG_BARAT);
  });

  it("4096 characters without a single space → a clear reply", async () => {
    const answer = await reply("x".repeat(4096));
    expect(answer.text).toMatch(new RegExp(`${W.notFound}|${W.found}`));
  });

  it("emoji only (with skin tones and ZWJ sequences) → 'nothing relevant'", async () => {
    expect((await reply("🤔🙈🚀👍🏽👨‍👩‍👧🇮🇩")).text).toContain(W.notFound);
  });

  it("zero-width and right-to-left marks inside a real question → still answered", async () => {
    const answer = await reply("Ke mana\u200b pejabat \u202eBandung Barat\u202c studi\u200f banding\u2066?\u2069");
    expect(answer.text).toContain(BANDUNG_BARAT);
  });

  it("right-to-left text (Arabic) → a clear reply", async () => {
    expect((await reply("ما هي الحكومة الإلكترونية في إندونيسيا؟")).text).toMatch(new RegExp(`${W.notFound}|${W.found}`));
  });

  it.each([
    "<script>alert('x')</script> Apa itu SPBE?",
    "</blockquote><b>Apa</b> itu &amp; &lt;SPBE&gt; & <i>",
    "*_[Apa itu SPBE](http://evil.example)_* `kode` ~~coret~~ ||spoiler|| \\*",
    "&#x3C;b&#x3E; &ltb &amp &#99999999; ]]> <!-- x -->",
  ])("text that looks like HTML/Markdown is neither parsed nor refused: %s", async (text) => {
    const answer = await reply(text);
    expect(answer.text).toMatch(new RegExp(`${W.notFound}|${W.found}`));
    // Sent as text + entities: no parse_mode at all, so nothing in the user's text could be interpreted.
    expect(answer.params.parse_mode).toBeUndefined();
  });
});

describe("commands with junk arguments", () => {
  it.each([
    ["/start ../../etc/passwd", "Halo,"],
    ["/help <b>x</b> %s %n {{7*7}}", W.help],
    ["/sources 💥 --all; rm -rf /", "Basis pengetahuan memuat 5 artikel"],
    ["/ask", W.askUsage],
    ["/ask      ", W.askUsage],
    ["/ask@OtherBot Apa itu SPBE?", W.help],
    ["/ASK Apa itu SPBE?", W.help],
    ["/nonexistent_command junk junk", W.help],
    [`/start ${"z".repeat(4000)}`, "Halo,"],
    [`/ask@${USERNAME} ${KNOWN_QUESTION}`, BANDUNG_BARAT],
  ])("%s", async (text, expected) => {
    expect((await reply(text.slice(0, 4096))).text).toContain(expected);
  });

  it("admin /remove with path tricks and wildcards removes nothing", async () => {
    for (const junk of ["../../etc/passwd", "/", "*", ".trash", "..", "../knowledge/banyuwangi-rujukan-e-government.txt/..", "%2e%2e%2f"]) {
      world.api.skipBotMessages(admin);
      await world.api.sendUserMessage({ chat: admin, text: `/remove ${junk}` });
      const answer = await world.api.waitForBotMessage({ chat: admin, timeoutMs: 30_000 });
      const final = await until("the /remove outcome", () => answer.versions.find((version) => /There is no article|Removed/.test(version.text)), 30_000);
      expect(final.text).toMatch(/^There is no article/);
    }
    expect(lostOrChanged(knowledgeBefore, hashTree(world.knowledgeDir))).toEqual([]);
  });

  it("admin /reload with junk arguments is an ordinary reload", async () => {
    world.api.skipBotMessages(admin);
    const started = await world.ask(admin, "/reload --force ../../ ; DROP TABLE");
    const done = await world.api.waitForBotEdit({ chat: admin, messageId: started.messageId, predicate: (_m, version) => /Refresh (finished|failed)/.test(version.text), timeoutMs: 60_000 });
    expect(done.version.text).toMatch(/Refresh finished/);
  });
});

describe("non-text messages and updates the bot must not answer", () => {
  const media: Array<[string, NonNullable<UserMessageInput["content"]>]> = [
    ["sticker", { sticker: { file_id: "s1", file_unique_id: "s1", type: "regular", width: 512, height: 512, is_animated: false, is_video: false } }],
    ["photo with a caption", { photo: [{ file_id: "p1", file_unique_id: "p1", width: 90, height: 90 }], caption: "Apa itu SPBE?" }],
    ["voice", { voice: { file_id: "v1", file_unique_id: "v1", duration: 2 } }],
    ["location", { location: { latitude: -6.2, longitude: 106.8 } }],
    ["poll", { poll: { id: "1", question: "SPBE?", options: [{ persistent_id: "a", text: "ya", voter_count: 0 }, { persistent_id: "b", text: "tidak", voter_count: 0 }], total_voter_count: 0, is_closed: false, is_anonymous: true, type: "regular", allows_multiple_answers: false, allows_revoting: false, members_only: false } }],
    ["contact", { contact: { phone_number: "+620000", first_name: "X" } }],
    ["dice", { dice: { emoji: "🎲", value: 3 } }],
    ["video note", { video_note: { file_id: "vn", file_unique_id: "vn", length: 10, duration: 1 } }],
  ];

  it.each(media)("private chat: %s → 'send your question as text'", async (_name, content) => {
    const chat = world.newUser("id");
    await world.api.sendUserMessage({ chat, content });
    expect((await world.api.waitForBotMessage({ chat })).text).toContain(W.sendText);
  });

  it("group: media and service messages are ignored on purpose", async () => {
    const group = world.api.groupChat({ title: "Media", botIsAdmin: true });
    const member = world.api.user({ id: 61_001, first_name: "Media" });
    for (const [, content] of media) await world.api.sendUserMessage({ chat: group, from: member, content });
    await world.api.sendUserMessage({ chat: group, from: member, content: { new_chat_members: [{ id: 61_002, is_bot: false, first_name: "New" }] } });
    await expectSilence(group);
  });

  it("edited messages are ignored on purpose (not requested, so Telegram drops them)", async () => {
    const chat = world.newUser("id");
    const original = await world.api.sendUserMessage({ chat, text: KNOWN_QUESTION });
    await world.api.waitForBotMessage({ chat });
    await world.api.editUserMessage({ chat, message: original, text: "Siapa Walikota Surabaya?" });
    await expectSilence(chat);
    expect(world.api.updates().filter((record) => record.type === "edited_message").every((record) => record.status === "dropped")).toBe(true);
  });

  it("a message from another bot is ignored on purpose (and logged)", async () => {
    const otherBot = { id: 7_100_000_001, is_bot: true, first_name: "OtherBot", username: "OtherHelperBot" };
    const chat = world.api.privateChat({ ...otherBot });
    world.api.pushUpdate({ message: { chat: chat.chat, from: otherBot, text: KNOWN_QUESTION } }, { privacy: false });
    await until("the bot to log the ignored update", () => world.bot.logRecords().some((record) => record.msg === "update from another bot ignored"), 10_000);
    await expectSilence(chat, 500);
  });

  it("channel posts are ignored on purpose (not requested, so Telegram drops them)", async () => {
    const channel = world.api.channel({ title: "Kanal e-Gov" });
    await world.api.sendUserMessage({ chat: channel, text: `/ask ${KNOWN_QUESTION}` });
    await expectSilence(channel);
    expect(world.api.updates().filter((record) => record.type === "channel_post").every((record) => record.status === "dropped")).toBe(true);
  });

  it("hand-crafted callback data (no such answer, malformed) gets a short answer, never an error", async () => {
    const chat = world.newUser("en");
    const answer = await world.ask(chat, "which region did Bandung Barat study?");
    for (const data of ["m:../../../etc", "p:abcdefgh:999", "p:x", "zz", "f:abcdefgh:x", "ar:", "😀".repeat(16)]) {
      const id = await world.api.pressButton({ message: answer, callbackData: data, force: true });
      const reply = await world.api.waitForCallbackAnswer(id);
      expect(reply.text ?? "").toMatch(/no longer valid|expired|only the bot's administrators|^$/);
    }
  });

  it("inline queries with junk: HTML, invisible characters, 256 characters", async () => {
    const user = world.api.user({ id: 61_010, first_name: "Inline", language_code: "en" });
    for (const query of ["<b>x</b> &amp; </blockquote>", "🤔".repeat(128), "q".repeat(256)]) {
      const answer = await world.api.inlineQuery({ from: user, query, timeoutMs: 30_000 });
      expect(Array.isArray(answer.results)).toBe(true);
    }
    // Invisible characters only: the same hint as an empty query.
    const blank = await world.api.inlineQuery({ from: user, query: "\u200b\u200b\u2066" });
    expect(blank.results).toEqual([]);
    expect(blank.button?.start_parameter).toBe("inline");
  });
});

describe("uploads (admin, private chat)", () => {
  it("an empty file → not added, says it is empty", async () => {
    expect(await upload("kosong.txt", Buffer.alloc(0))).toBe("The file was not added: kosong.txt is empty.");
  });

  it("binary data named .txt → not added, says it is binary", async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37) % 256))]);
    expect(await upload("foto.txt", png)).toMatch(/^The file was not added: foto\.txt looks like a binary file/);
  });

  it("Latin-1 text (not UTF-8) named .md → not added, says to save as UTF-8", async () => {
    expect(await upload("latin.md", Buffer.from("Pemerintah daerah meluncurkan aplikasi baru untuk pelayanan publik yang lebih cepat dan murah bagi warga \xe9\xe8.", "latin1"))).toMatch(/not UTF-8 text/);
  });

  it("declared bigger than Telegram's 20 MB getFile limit → refused before downloading", async () => {
    expect(await upload("besar.txt", "kecil", { size: 25 * 1024 * 1024 })).toBe("The file was not added: besar.txt is 25.0 MB; the upload limit is 5.0 MB.");
    expect(world.api.calls("getFile").filter((call) => call.params.file_id !== undefined && call.ok === false)).toEqual([]);
  });

  it("an article of 10 MB → refused with the limit", async () => {
    const article = longArticle(10 * 1024 * 1024);
    expect(await upload("sepuluh-mb.md", article)).toBe("The file was not added: sepuluh-mb.md is 10.0 MB; the upload limit is 5.0 MB.");
  });

  it("a size that lies (declares 1 KB, is 6 MB) → the download stops at the limit", async () => {
    expect(await upload("bohong.txt", Buffer.alloc(6 * 1024 * 1024, 0x61), { size: 1024 })).toBe("Could not download the file from Telegram: the file is larger than the limit of 5.0 MB");
  });

  it.each(["slides.pptx", "laporan.odt", "setup.exe", "README", ".txt", "a.txt\u0000.png", "../../etc/passwd", "arsip.tar.gz"])("unsupported type %j → refused before downloading", async (name) => {
    expect(await upload(name, "isi")).toMatch(/^The file was not added: ".*" is not a supported article type\. Use \.txt, \.md/);
  });

  it("a name with no letters or digits → refused", async () => {
    expect(await upload("!!!.txt", townArticle(201).text)).toMatch(/needs at least one letter or digit/);
  });

  it.each([
    ["../../pwned.txt", "pwned.txt"],
    ["/etc/cron.d/evil.md", "evil.md"],
    ["..\\..\\windows.txt", "windows.txt"],
    ["nul\u0000byte.md", "nulbyte.md"],
    ["Berita Ñandú — 2024.md", "berita-nandu-2024.md"],
    [`${"panjang".repeat(60)}.txt`, `${"panjang".repeat(60).slice(0, 80)}.txt`],
  ])("path trick %j → stored as knowledge/%s, nowhere else", async (name, stored) => {
    const article = townArticle(210 + name.length);
    const outcome = await upload(name, article.text);
    expect(outcome).toMatch(/^Added article/);
    expect(existsSync(path.join(world.knowledgeDir, stored))).toBe(true);
  });

  it("an invalid upload replacing an existing article changes nothing", async () => {
    expect(await upload("banyuwangi-rujukan-e-government.txt", "terlalu pendek.")).toMatch(/^The file was not added/);
    expect(hashTree(world.knowledgeDir).get("banyuwangi-rujukan-e-government.txt")).toBe(knowledgeBefore.get("banyuwangi-rujukan-e-government.txt"));
  });

  it("a document without a file name → asks for a supported file", async () => {
    world.api.skipBotMessages(admin);
    const file = world.api.createFile({ content: townArticle(220).text });
    await world.api.sendUserMessage({ chat: admin, content: { document: { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.size } } });
    expect((await world.api.waitForBotMessage({ chat: admin })).text).toBe("The document has no file name; send it as a .pdf, .docx, .html, .txt or .md file.");
  });

  it("a document in a group, even from an admin, is chatter: ignored on purpose", async () => {
    const group = world.api.groupChat({ title: "Dokumen", botIsAdmin: true });
    await world.api.sendUserDocument({ chat: group, from: admin.user!, fileName: "grup.txt", content: townArticle(230).text });
    await expectSilence(group);
    expect(existsSync(path.join(world.knowledgeDir, "grup.txt"))).toBe(false);
  });

  it("a large accepted article (120 KB) is indexed while other users keep getting answers", async () => {
    world.api.skipBotMessages(admin);
    await world.api.sendUserDocument({ chat: admin, fileName: "laporan-besar.md", content: longArticle(120_000, "Laporan Besar Transformasi Digital") });
    await world.api.waitForBotEdit({ chat: admin, predicate: (_m, version) => /^Indexing laporan-besar\.md/.test(version.text), timeoutMs: 60_000 });
    const sent = Date.now();
    const answer = await reply(KNOWN_QUESTION);
    const latency = Date.now() - sent;
    expect(answer.text).toContain(BANDUNG_BARAT);
    const done = await world.api.waitForBotEdit({ chat: admin, predicate: (_m, version) => /Added article|not added|could not/.test(version.text), timeoutMs: 180_000 });
    expect(done.version.text).toMatch(/^Added article “Laporan Besar Transformasi Digital”/);
    console.info(`[bad-input] question answered ${latency} ms after it was sent, during the 120 KB article's indexing (${done.version.text.split("\n").at(-1)})`);
  }, 240_000);
});

describe("afterwards", () => {
  it("no file escaped the knowledge folder, no article was lost, the bot is up, Telegram refused nothing, the token is not in the logs", async () => {
    const files = listFiles(world.bot.root);
    expect(files.filter((file) => !file.startsWith("knowledge/") && !file.startsWith("data/"))).toEqual([]);
    expect(files.filter((file) => /pwned|evil|windows|passwd/.test(file))).toEqual(["knowledge/evil.md", "knowledge/pwned.txt", "knowledge/windows.txt"]);
    expect(existsSync(path.join(world.bot.root, "..", "pwned.txt"))).toBe(false);
    expect(lostOrChanged(knowledgeBefore, hashTree(world.knowledgeDir))).toEqual([]);
    expect(world.alive()).toBe(true);
    expect((await reply(KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);
    expect(world.bot.logRecords().filter((record) => record.msg === "update failed" || record.msg === "unhandled bot error")).toEqual([]);
    expect(world.api.failedCalls().map((call) => `${call.method}: ${call.description}`)).toEqual([]);
    expect(world.api.internalErrors()).toEqual([]);
    expect(world.bot.logs.join("\n")).not.toContain(TOKEN_SECRET);
  });
});
