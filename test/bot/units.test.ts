import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { FormattedString } from "@grammyjs/parse-mode";
import { afterEach, describe, expect, it } from "vitest";
import { cutQuestion } from "../../src/bot/answering.js";
import { highlight, packMessages, renderAnswer } from "../../src/bot/format.js";
import { LruCache } from "../../src/bot/lru.js";
import { normaliseQuestion, STATS_FILE, StatsStore } from "../../src/bot/stats.js";
import { runTerminalChat } from "../../src/bot/terminal.js";
import { ARTICLES, fakeEngine, sampleAnswer } from "./helpers.js";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tanya-bot-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("packMessages", () => {
  const line = (text: string) => new FormattedString(text);

  it("keeps blocks whole, separates them by a blank line, and starts a new message when a block does not fit", () => {
    const messages = packMessages([{ lines: [line("a".repeat(40))] }, { lines: [line("b".repeat(30)), line("c".repeat(30))], gap: true }, { lines: [line("d".repeat(50))], gap: true }], 100);
    expect(messages.map((message) => message.text)).toEqual(["a".repeat(40), `${"b".repeat(30)}\n${"c".repeat(30)}`, "d".repeat(50)]);
    for (const message of messages) expect(message.text.length).toBeLessThanOrEqual(100);
  });

  it("splits an over-long block between lines and an over-long line at a space, keeping entities and emoji intact", () => {
    const long = FormattedString.blockquote(FormattedString.bold(`${"kata ".repeat(60)}🙂🙂🙂`));
    const messages = packMessages([{ lines: [line("intro")] }, { lines: [long], gap: true }], 100);
    expect(messages.length).toBeGreaterThan(3);
    for (const message of messages) {
      expect(message.text.length).toBeLessThanOrEqual(100);
      expect(message.text).not.toMatch(/[\uD800-\uDBFF]$/);
      for (const entity of message.entities) expect(entity.offset + entity.length).toBeLessThanOrEqual(message.text.length);
    }
    expect(messages.map((message) => message.text).join(" ").replace(/\s+/g, " ")).toContain("kata kata");
  });

  it("renders a found answer within the limit even with a tiny limit", () => {
    const rendered = renderAnswer(sampleAnswer("Apa itu SPBE?"), ARTICLES, { limit: 200 });
    expect(rendered.messages.length).toBeGreaterThan(2);
    for (const message of rendered.messages) expect(message.text.length).toBeLessThanOrEqual(200);
    expect(rendered.moreResults).toEqual([2, 3, 4, 5]);
  });

  it("names a regulation's Pasal and page in the source line and links the title to the PDF page", () => {
    const answer = sampleAnswer("Apa tujuan Arsitektur SPBE Nasional?");
    answer.citations[0] = { ...answer.citations[0]!, title: "Perpres 95/2018", source: null, date: null, url: "https://jdih.example/perpres.pdf", page: 3, section: "Pasal 5", ocr: false, link: "https://jdih.example/perpres.pdf#page=3" };
    const last = renderAnswer(answer, ARTICLES).messages.at(-1)!;
    expect(last.text).toContain("[1] Perpres 95/2018 — Pasal 5, hlm. 3");
    expect(last.entities).toContainEqual(expect.objectContaining({ type: "text_link", url: "https://jdih.example/perpres.pdf#page=3" }));
    const english = renderAnswer({ ...answer, lang: "en", citations: [{ ...answer.citations[0]!, ocr: true }, answer.citations[1]!] }, ARTICLES).messages.at(-1)!;
    expect(english.text).toContain("[1] Perpres 95/2018 — Article 5, p. 3, OCR text");
  });

  it("highlight bolds each quoted fragment once", () => {
    const text = highlight("Satu. Dua. Tiga.", ["Dua.", "Tiga.", "tidak ada"]);
    expect(text.entities.map((entity) => text.text.slice(entity.offset, entity.offset + entity.length))).toEqual(["Dua.", "Tiga."]);
  });
});

describe("small helpers", () => {
  it("cutQuestion never splits a surrogate pair", () => {
    expect(cutQuestion("ab🙂", 3)).toBe("ab");
    expect(cutQuestion("abc", 5)).toBe("abc");
  });

  it("LruCache evicts the least recently used and expires by time", () => {
    let now = 0;
    const cache = new LruCache<number>(2, 100, () => now);
    const a = cache.add(1);
    const b = cache.add(2);
    expect(cache.get(a)).toBe(1);
    const c = cache.add(3);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a)).toBe(1);
    now = 150;
    expect(cache.get(c)).toBeUndefined();
    expect(a).toMatch(/^[\w-]{8}$/);
  });

  it("normaliseQuestion merges case, spacing and trailing punctuation", () => {
    expect(normaliseQuestion("  Apa itu   SPBE??")).toBe(normaliseQuestion("apa itu spbe"));
    expect(normaliseQuestion("Apa itu “SPBE” ?")).toBe("apa itu spbe");
    expect(normaliseQuestion("Berapa biaya e-KTP di Yogyakarta?")).toBe("berapa biaya e-ktp di yogyakarta");
    expect(normaliseQuestion("Siapa François?")).toBe("siapa francois");
  });
});

describe("StatsStore", () => {
  it("persists atomically and reloads", async () => {
    const dir = tempDir();
    const stats = await StatsStore.open(dir, undefined, { flushDelayMs: 10 });
    stats.recordQuestion("Apa itu SPBE?", "direct");
    stats.recordQuestion("apa itu spbe", "related");
    stats.recordQuestion("Siapa?", "none");
    stats.recordFeedback("up");
    stats.recordFeedback("down", "up");
    await stats.flush();
    expect(readdirSync(dir)).toEqual([STATS_FILE]);
    const again = await StatsStore.open(dir);
    expect(await again.summary()).toMatchObject({ answered: 2, related: 1, notFound: 1, up: 0, down: 1, top: [{ text: "Apa itu SPBE?", count: 2 }, { text: "Siapa?", count: 1 }] });
  });

  it("a corrupt file is moved aside and counting starts again", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, STATS_FILE), "{ not json");
    const stats = await StatsStore.open(dir);
    expect(await stats.summary()).toMatchObject({ answered: 0, notFound: 0 });
    expect(readdirSync(dir).some((name) => name.startsWith(`${STATS_FILE}.corrupt-`))).toBe(true);
    stats.recordQuestion("x", "direct");
    await stats.flush();
    expect(JSON.parse(readFileSync(path.join(dir, STATS_FILE), "utf8")).answered).toBe(1);
  });

  it("wrong field types are ignored field by field", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, STATS_FILE), JSON.stringify({ answered: "many", notFound: 3, feedback: null, asked: { a: { text: "a", count: -1 }, b: { text: "b", count: 2 } } }));
    const stats = await StatsStore.open(dir);
    expect(await stats.summary()).toMatchObject({ answered: 0, notFound: 3, up: 0, top: [{ text: "b", count: 2 }] });
  });
});

describe("terminal chat (no token)", () => {
  it("answers each line of non-TTY input until EOF, skipping blank lines", async () => {
    const engine = fakeEngine();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const done = runTerminalChat(engine, input, output, false);
    input.end("which region did Bandung Barat study?\n\nnothing at all\n");
    expect(await done).toBe(2);
    expect(printed).toContain("From the knowledge base:");
    expect(printed).toContain("▶ “Seperti diketahui");
    expect(printed).toContain("Sorry, the knowledge base has nothing relevant");
  });

  it("stops at 'exit'", async () => {
    const engine = fakeEngine();
    const input = new PassThrough();
    const done = runTerminalChat(engine, input, new PassThrough(), false);
    input.write("Apa itu SPBE?\nexit\nnot asked\n");
    expect(await done).toBe(1);
    expect(engine.questions).toEqual(["Apa itu SPBE?"]);
  });
});
