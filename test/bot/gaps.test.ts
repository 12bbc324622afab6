import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileGapStore, GAP_RETENTION_DAYS, GAPS_FILE, MAX_GAPS } from "../../src/bot/gaps.js";

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), "tanya-gaps-unit-"));
const DAY = 24 * 60 * 60 * 1000;

describe("FileGapStore", () => {
  it("stays bounded: at most MAX_GAPS questions, the least asked forgotten first, and the file holds no more", async () => {
    const dir = tempDir();
    const store = await FileGapStore.open(dir, undefined, { flushDelayMs: 5 });
    const now = new Date("2026-06-15T12:00:00Z");
    store.record("Berapa anggaran SPBE?", "related", "id", now);
    store.record("Berapa anggaran SPBE?", "related", "id", now);
    for (let i = 0; i < MAX_GAPS + 50; i++) store.record(`Pertanyaan nomor ${i} tentang layanan?`, "none", "id", new Date(now.getTime() + i));
    expect(store.size).toBe(MAX_GAPS);
    expect((await store.list({ days: 30, limit: 1, now }))[0]).toMatchObject({ text: "Berapa anggaran SPBE?", count: 2, kind: "related" });
    await store.flush();
    const stored = JSON.parse(readFileSync(path.join(dir, GAPS_FILE), "utf8")) as { gaps: Record<string, unknown> };
    expect(Object.keys(stored.gaps)).toHaveLength(MAX_GAPS);
    // Writes are atomic: no temp file is left beside it.
    expect(readdirSync(dir)).toEqual([GAPS_FILE]);
  });

  it("counts only the asks of the window and forgets days older than the retention", async () => {
    const store = FileGapStore.inMemory();
    const now = new Date("2026-06-15T12:00:00Z");
    store.record("Kapan SPBE dimulai?", "none", "id", new Date(now.getTime() - (GAP_RETENTION_DAYS + 5) * DAY));
    store.record("Kapan SPBE dimulai?", "none", "id", new Date(now.getTime() - 10 * DAY));
    store.record("kapan spbe dimulai", "related", "id", now);
    expect(await store.list({ days: 30, limit: 10, now })).toEqual([{ text: "kapan spbe dimulai", count: 2, lastAt: now.toISOString(), kind: "related", lang: "id" }]);
    expect((await store.list({ days: 7, limit: 10, now }))[0]?.count).toBe(1);
    expect(await store.list({ days: 30, limit: 10, now: new Date(now.getTime() + 40 * DAY) })).toEqual([]);
  });

  it("a corrupt file is moved aside and recording starts again; reloads what it saved", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, GAPS_FILE), "{ not json");
    const store = await FileGapStore.open(dir, undefined, { flushDelayMs: 5 });
    expect(store.size).toBe(0);
    expect(readdirSync(dir).some((name) => name.startsWith(`${GAPS_FILE}.corrupt-`))).toBe(true);
    store.record("Who runs LAPOR!?", "none", "en");
    await store.flush();
    const again = await FileGapStore.open(dir);
    expect(await again.list({ days: 30, limit: 5 })).toMatchObject([{ text: "Who runs LAPOR!?", count: 1, kind: "none", lang: "en" }]);
  });
});
