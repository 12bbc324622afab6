import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MessageEntity } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBot, type TanyaBot } from "../../src/bot/bot.js";
import { FileGapStore, GAPS_FILE } from "../../src/bot/gaps.js";
import { StatsStore } from "../../src/bot/stats.js";
import { createLogger } from "../../src/config/logger.js";
import { startFakeBotApi, type BotMessage, type ChatHandle, type FakeBotApi } from "../fake-bot-api/index.js";
import { fakeEngine, notFoundAnswer, relatedAnswer, sampleAnswer } from "./helpers.js";

/**
 * The three answer kinds as users see them, through the real bot over HTTP against the fake Bot API:
 * a direct answer (bold ▶ sentence), a related one (says what is missing, nothing bold), none (declined);
 * and the admins' /gaps list of declined and related-only questions.
 */
const TOKEN = "4242:answer-kinds";
const ADMIN_ID = 7001;
let api: FakeBotApi;
let app: TanyaBot;
let gaps: FileGapStore;
let dataDir: string;

/** Questions with "berapa"/"how much" get a related answer, "nothing" none, the rest a direct one. */
const engine = fakeEngine();
engine.answer = (question) => (/nothing|tidak ada/i.test(question) ? notFoundAnswer(question) : /berapa|how much/i.test(question) ? relatedAnswer(question) : sampleAnswer(question));

const bold = (message: { text: string; entities: MessageEntity[] }): string[] => message.entities.filter((entity) => entity.type === "bold").map((entity) => message.text.slice(entity.offset, entity.offset + entity.length));

async function ask(chat: ChatHandle, text: string): Promise<BotMessage> {
  await api.sendUserMessage({ chat, text });
  return api.waitForBotMessage({ chat });
}

beforeAll(async () => {
  api = await startFakeBotApi({ token: TOKEN, botUsername: "TanyaEgovBot" });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "tanya-gaps-"));
  gaps = await FileGapStore.open(dataDir, undefined, { flushDelayMs: 10 });
  app = createBot({
    engine,
    stats: StatsStore.inMemory(),
    gaps,
    logger: createLogger("silent"),
    settings: {
      telegram: { token: TOKEN, apiRoot: api.apiRoot, adminUserIds: new Set([ADMIN_ID]), allowedChatIds: undefined, webhookUrl: undefined, webhookSecret: undefined, webhookPort: 8080, maxUploadBytes: 1024 * 1024 },
    },
    options: { typingIntervalMs: 60_000 },
  });
  void app.bot.start();
  await api.waitForPolling();
});

afterEach(() => {
  expect(api.failedCalls()).toEqual([]);
});

afterAll(async () => {
  await app?.bot.stop();
  await api?.stop();
});

describe("answer kinds in chats", () => {
  it("direct: the intro, then quotes with exactly one bold answer sentence", async () => {
    const chat = api.privateChat({ id: 8101, first_name: "Sari", language_code: "id" });
    const reply = await ask(chat, "Ke mana pejabat Bandung Barat studi banding?");
    expect(reply.text).toContain("Menurut basis pengetahuan:");
    const boldTexts = bold(reply);
    expect(boldTexts).toContain(sampleAnswer("x").quotes[0]!.sentences[1]!.text);
    expect(reply.entities.some((entity) => entity.type === "blockquote")).toBe(true);
  });

  it("related: says plainly that no passage states the number, and quotes without a bold answer (Indonesian and English)", async () => {
    const sari = api.privateChat({ id: 8102, first_name: "Sari", language_code: "id" });
    const reply = await ask(sari, "Berapa biaya aplikasi e-government Banyuwangi?");
    expect(reply.text).toContain("Ditemukan bagian terkait, tetapi tidak ada yang menyebut jumlahnya secara langsung:");
    const quoted = relatedAnswer("x").quotes.flatMap((quote) => quote.sentences.map((sentence) => sentence.text));
    for (const sentence of quoted) expect(reply.text).toContain(sentence);
    // Only the intro and the "Sumber:" heading are bold; no quoted sentence is.
    expect(bold(reply).filter((text) => quoted.includes(text))).toEqual([]);
    const john = api.privateChat({ id: 8103, first_name: "John", language_code: "en" });
    const english = await ask(john, "How much did Banyuwangi spend on e-government?");
    expect(english.text).toContain("Related passages found, but none states the number directly:");
  });

  it("none: declines and lists what the knowledge base covers", async () => {
    const chat = api.privateChat({ id: 8104, first_name: "John", language_code: "en" });
    const reply = await ask(chat, "Is there nothing about fisheries?");
    expect(reply.text).toContain("the knowledge base has nothing relevant");
  });

  it("groups (/ask) and inline mode render a related answer as related", async () => {
    const group = api.groupChat({ title: "Diskusi e-Gov" });
    const member = api.user({ id: 8105, first_name: "Budi", language_code: "id" });
    await api.sendUserMessage({ chat: group, from: member, text: "/ask@TanyaEgovBot Berapa anggaran SPBE?" });
    const reply = await api.waitForBotMessage({ chat: group });
    expect(reply.text).toContain("Ditemukan bagian terkait");
    const inline = await api.inlineQuery({ from: member, query: "Berapa anggaran SPBE?" });
    const first = inline.rendered[0]!;
    expect((inline.results[0] as { title: string }).title).toBe("Bagian terkait, tanpa jawaban langsung");
    expect(first.text).toContain("Ditemukan bagian terkait");
    const direct = await api.inlineQuery({ from: member, query: "Apa itu SPBE?" });
    expect((direct.results[0] as { title: string }).title).toBe("Jawaban dengan kutipan");
  });
});

describe("/gaps (admins only)", () => {
  it("refuses everyone but admins", async () => {
    const chat = api.privateChat({ id: 8106, first_name: "Sari", language_code: "id" });
    const reply = await ask(chat, "/gaps");
    expect(reply.text).toBe("Maaf, hanya admin bot yang boleh melakukan itu.");
  });

  it("lists declined and related-only questions by count, trivial variants together, with the date last asked; stored on disk", async () => {
    const user = api.privateChat({ id: 8107, first_name: "Budi", language_code: "id" });
    for (const question of ["Berapa anggaran e-KTP?", "berapa anggaran  e-ktp", "Tidak ada jawaban untuk ini?", "Apa itu SPBE?"]) await ask(user, question);
    const admin = api.privateChat({ id: ADMIN_ID, first_name: "Admin", language_code: "en" });
    const reply = await ask(admin, "/gaps");
    const today = new Date().toISOString().slice(0, 10);
    const lines = reply.text.split("\n");
    expect(lines[0]).toContain("last 30 days");
    const first = lines.findIndex((line) => line.startsWith("1. "));
    expect(lines[first]).toMatch(/^1\. (?:Berapa anggaran e-KTP\?|berapa anggaran e-ktp) — ×2, related only, last asked /);
    expect(lines.some((line) => /^\d\. Tidak ada jawaban untuk ini\? — ×1, declined/.test(line))).toBe(true);
    expect(reply.text).not.toContain("Apa itu SPBE");
    expect(reply.text).toContain(String(Number(today.slice(8, 10))));
    await gaps.flush();
    const stored = JSON.parse(readFileSync(path.join(dataDir, GAPS_FILE), "utf8")) as { gaps: Record<string, { days: Record<string, number> }> };
    expect(stored.gaps["berapa anggaran e-ktp"]?.days).toEqual({ [today]: 2 });
    expect(stored.gaps["apa itu spbe"]).toBeUndefined();
  });
});
