import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync, statSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/config/logger.js";
import { loadSettings } from "../../src/config/settings.js";
import { Engine } from "../../src/engine/engine.js";
import { writeGeneration } from "../../src/index/store.js";
import { tail } from "../e2e/bot-process.js";
import type { BotMessage, ChatHandle } from "../fake-bot-api/index.js";
import { longArticle, townArticle } from "./articles.js";
import { BANDUNG_BARAT, childEnv, createWorkspace, faultMarkers, hashTree, inspectIndex, KNOWN_QUESTION, lostOrChanged, remountTmpfs, sleep, startWorld, tryMountTmpfs, unmount, until, type World, type Workspace } from "./helpers.js";

/*
 * Index faults seen through the real bot process and the fake Bot API:
 *  - a missing data folder, a corrupted or truncated index file, a manifest from another model, a garbage
 *    CURRENT at bot start: a clear log line, an automatic rebuild, and the bot answers;
 *  - two /reload at once and /reload while questions arrive: refreshes are serialised, questions are answered
 *    from the old index until the swap and from the new one after it;
 *  - a full disk during a refresh (the test fault hook throwing ENOSPC, and a real, tiny tmpfs when this machine
 *    allows mounting one): a clear admin message, and the old index keeps serving;
 *  - the refresh lock deleted under a running refresh (proper-lockfile's "compromised" path): no crash;
 *  - the bot SIGKILLed in the middle of an upload's refresh: on restart the previous index loads, no article
 *    file is lost, and the startup refresh completes the upload.
 */

const worlds: World[] = [];
const workspaces: Workspace[] = [];
const mounts: string[] = [];
let current: World | undefined;

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(`--- bot log (last lines) ---\n${tail(current?.bot, 80)}`);
});

afterAll(async () => {
  for (const world of worlds) await world.close().catch(() => undefined);
  for (const dir of mounts) unmount(dir);
  for (const workspace of workspaces) workspace.cleanup();
});

function workspace(prefix: string): Workspace {
  const created = createWorkspace(prefix);
  workspaces.push(created);
  return created;
}

async function world(options: Parameters<typeof startWorld>[0]): Promise<World> {
  const started = await startWorld(options);
  worlds.push(started);
  current = started;
  return started;
}

const adminEdit = (world: World, admin: ChatHandle, pattern: RegExp, messageId?: number) =>
  world.api.waitForBotEdit({ chat: admin, ...(messageId === undefined ? {} : { messageId }), predicate: (_message, version) => pattern.test(version.text), timeoutMs: 120_000 });

/** The bot's own log line about the index at startup. */
function startupIndexLog(world: World): Record<string, unknown> | undefined {
  return world.bot.logRecords().find((record) => typeof record.msg === "string" && /^index (unusable|not built yet); rebuilding from /.test(record.msg));
}

describe("a damaged index at bot start: clear log line, automatic rebuild, the bot answers", () => {
  let ws: Workspace;
  let w: World;

  async function restartAndCheck(damage: () => void, reason: RegExp): Promise<void> {
    expect(await w.stopBot()).toEqual({ code: 0, signal: null });
    damage();
    await w.restartBot();
    const line = startupIndexLog(w);
    expect(line, "log line about the unusable index").toBeDefined();
    expect(line!.level).toBe(40);
    expect(line!.msg).toBe(`index unusable; rebuilding from ${ws.knowledgeDir}`);
    expect(String(line!.reason)).toMatch(reason);
    expect((await w.ask(w.newUser(), KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);
    const state = await inspectIndex(ws.dataDir);
    expect(state.articles.size).toBe(5);
    console.info(`[index] ${line!.problem}: ${String(line!.reason)}`);
  }

  const generationFile = (name: string) => path.join(ws.dataDir, readFileSync(path.join(ws.dataDir, "CURRENT"), "utf8").trim(), name);

  it("missing data directory: built from knowledge/ at start (info line), then answers", async () => {
    ws = workspace("tanya-idx-");
    expect(existsSync(ws.dataDir)).toBe(false);
    w = await world({ workspace: ws });
    const line = startupIndexLog(w);
    expect(line?.msg).toBe(`index not built yet; rebuilding from ${ws.knowledgeDir}`);
    expect(line?.problem).toBe("missing");
    expect((await w.ask(w.newUser(), KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);
  });

  it("corrupted vectors.hnsw (bytes flipped, same size): checksum mismatch → rebuild", async () => {
    await restartAndCheck(() => {
      const file = generationFile("vectors.hnsw");
      const bytes = readFileSync(file);
      for (let i = 200; i < 260; i++) bytes[i] = bytes[i]! ^ 0xff;
      writeFileSync(file, bytes);
    }, /vectors\.hnsw does not match its checksum \(corrupted\)/);
  });

  it("truncated documents.json: size mismatch → rebuild", async () => {
    await restartAndCheck(() => {
      const file = generationFile("documents.json");
      truncateSync(file, Math.floor(readFileSync(file).length / 2));
    }, /documents\.json has \d+ bytes, the manifest says \d+ \(truncated or modified\)/);
  });

  it("manifest from another model (768 dimensions): incompatible → rebuild", async () => {
    await restartAndCheck(() => {
      const file = generationFile("manifest.json");
      const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...manifest, model: { id: "Xenova/multilingual-e5-base", dimensions: 768 } }));
    }, /built with model Xenova\/multilingual-e5-base \(768 dimensions\); configured model is .*\(384 dimensions\)/);
  });

  it("CURRENT naming something that is not a generation → rebuild", async () => {
    await restartAndCheck(() => writeFileSync(path.join(ws.dataDir, "CURRENT"), "../../etc\n"), /names "\.\.\/\.\.\/etc", which is not an index generation/);
    expect(await w.stopBot()).toEqual({ code: 0, signal: null });
  });
});

describe("refreshes through the bot: serialised, questions served throughout, failures reported", () => {
  let ws: Workspace;
  let w: World;
  let admin1: ChatHandle;
  let admin2: ChatHandle;
  const file = (name: string) => path.join(ws.root, name);

  const cites = (message: BotMessage, title: string) => message.text.includes(title);

  afterEach((context) => {
    // A failed test must not leave a refresh paused for the next ones: release and disarm everything.
    if (context.task.result?.state !== "fail" || !ws) return;
    for (const name of ["release-swap", "release-writing"]) writeFileSync(file(name), "");
    for (const name of ["arm-swap", "arm-enospc", "arm-writing", "arm-hang"]) rmSync(file(name), { force: true });
  });

  it("starts a bot with two admins and the (disarmed) fault hook", async () => {
    ws = workspace("tanya-reload-");
    const hook = [
      { stage: "embedding", action: "mark" },
      { stage: "swapping", action: "wait", file: file("release-swap"), armFile: file("arm-swap"), times: 1 },
      { stage: "swapping", action: "mark" },
      { stage: "writing", action: "fail", code: "ENOSPC", armFile: file("arm-enospc") },
      { stage: "writing", action: "wait", file: file("release-writing"), armFile: file("arm-writing"), times: 1 },
      { stage: "writing", action: "hang", armFile: file("arm-hang") },
    ];
    w = await world({ workspace: ws, adminIds: [90_001, 90_002], env: { TANYA_TEST_REFRESH_FAULT: JSON.stringify(hook), TANYA_TEST_LOCK_STALE_MS: "2000" } });
    [admin1, admin2] = w.admins as [ChatHandle, ChatHandle];
    await until("the startup refresh", () => w.bot.logRecords().some((record) => record.msg === "startup refresh finished"));
  });

  it("two /reload at once while questions arrive: one refresh at a time; old index until the swap, new one after", async () => {
    const a = townArticle(101);
    const b = townArticle(102);
    const titleA = `Kabupaten ${a.town} Luncurkan Aplikasi ${a.app}`;
    const titleB = `Kabupaten ${b.town} Luncurkan Aplikasi ${b.app}`;
    const user = w.newUser("id");
    const questionA = `Berapa hari pengurusan izin usaha dengan aplikasi ${a.app} di ${a.town}?`;
    const questionB = `Berapa hari pengurusan izin usaha dengan aplikasi ${b.app} di ${b.town}?`;
    expect(cites(await w.ask(user, questionA), titleA)).toBe(false);

    writeFileSync(path.join(ws.knowledgeDir, a.file), a.text);
    writeFileSync(file("arm-swap"), "");
    w.api.skipBotMessages(admin1);
    w.api.skipBotMessages(admin2);
    const startedAt = Date.now();
    const embeddingMarks = () => faultMarkers(w.bot.logs).filter((m) => m.stage === "embedding" && m.at >= startedAt);
    const reload1 = await w.ask(admin1, "/reload");
    expect(reload1.text).toContain("Refreshing");
    await until("refresh 1 paused right before the swap", () => faultMarkers(w.bot.logs).some((m) => m.refreshFault === "wait" && m.stage === "swapping"));

    // Paused before the swap: questions are answered, from the old index.
    const during = await w.ask(user, questionA);
    expect(cites(during, titleA)).toBe(false);
    expect((await w.ask(w.newUser(), KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);

    // A second admin's /reload while the first is still running: it waits its turn.
    writeFileSync(path.join(ws.knowledgeDir, b.file), b.text);
    const reload2 = await w.ask(admin2, "/reload");
    expect(reload2.text).toContain("Refreshing");
    await sleep(1_500);
    expect(embeddingMarks()).toHaveLength(1);
    const finished = (message: BotMessage) => message.versions.some((version) => /Refresh (finished|failed)/.test(version.text));
    expect(finished(reload1)).toBe(false);
    expect(finished(reload2)).toBe(false);
    expect(reload2.versions.map((version) => version.text)).toEqual(["Refreshing the index from the knowledge folder…"]);
    expect(cites(await w.ask(user, questionB), titleB)).toBe(false);

    const releasedAt = Date.now();
    writeFileSync(file("release-swap"), "");
    rmSync(file("arm-swap"));
    const done1 = await adminEdit(w, admin1, /Refresh finished/, reload1.messageId);
    const done2 = await adminEdit(w, admin2, /Refresh finished/, reload2.messageId);
    expect(done1.version.text).toMatch(/added 1, updated 0, removed 0, unchanged 5/);
    expect(done2.version.text).toMatch(/added 1, updated 0, removed 0, unchanged 6/);
    // The second refresh began (embedding) only after the first one was released and swapped.
    const embeddings = embeddingMarks();
    expect(embeddings).toHaveLength(2);
    expect(embeddings[1]!.at).toBeGreaterThanOrEqual(releasedAt);
    const refreshed = w.bot.logRecords().filter((record) => record.msg === "knowledge refreshed" && record.added === 1 && Number(record.time) >= startedAt);
    expect(refreshed).toHaveLength(2);

    expect(cites(await w.ask(user, questionA), titleA)).toBe(true);
    expect(cites(await w.ask(user, questionB), titleB)).toBe(true);
    expect((await inspectIndex(ws.dataDir)).articles.size).toBe(7);
  }, 180_000);

  it("disk full while writing the new generation (fault hook: ENOSPC): clear admin message, the old index keeps serving", async () => {
    const c = townArticle(103);
    const d = townArticle(104);
    const titleC = `Kabupaten ${c.town} Luncurkan Aplikasi ${c.app}`;
    const before = await inspectIndex(ws.dataDir);
    writeFileSync(file("arm-enospc"), "");
    writeFileSync(path.join(ws.knowledgeDir, c.file), c.text);
    w.api.skipBotMessages(admin1);
    const reload = await w.ask(admin1, "/reload");
    const failed = await adminEdit(w, admin1, /Refresh failed/, reload.messageId);
    expect(failed.version.text).toBe(
      "Refresh failed: the disk holding the index (DATA_DIR) is full (ENOSPC: no space left on device, write). Free some space, then /reload.\nThe previous index keeps serving questions.",
    );
    const after = await inspectIndex(ws.dataDir);
    expect(after.generation).toBe(before.generation);
    expect(readdirSync(ws.dataDir).filter((name) => name.endsWith(".partial"))).toEqual([]);
    const user = w.newUser("id");
    expect((await w.ask(user, `Berapa hari pengurusan izin usaha dengan aplikasi ${c.app}?`)).text).not.toContain(titleC);
    expect((await w.ask(user, KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);

    // An upload while the disk is full: saved in the folder, the admin is told it is not indexed yet.
    w.api.skipBotMessages(admin1);
    await w.api.sendUserDocument({ chat: admin1, fileName: d.file, content: d.text });
    const upload = await adminEdit(w, admin1, /could not be updated|Added article|not added/);
    expect(upload.version.text).toMatch(new RegExp(`^Saved ${d.file} in the knowledge folder, but the index could not be updated: the disk holding the index \\(DATA_DIR\\) is full`));
    expect(existsSync(path.join(ws.knowledgeDir, d.file))).toBe(true);

    // Space is back: the next /reload indexes both.
    rmSync(file("arm-enospc"));
    w.api.skipBotMessages(admin1);
    const retry = await w.ask(admin1, "/reload");
    expect((await adminEdit(w, admin1, /Refresh finished/, retry.messageId)).version.text).toMatch(/added 2,/);
    expect((await w.ask(user, `Berapa hari pengurusan izin usaha dengan aplikasi ${c.app}?`)).text).toContain(titleC);
  }, 180_000);

  it("the refresh lock deleted under a running refresh (lock compromised): logged, no crash, the refresh completes", async () => {
    const e = townArticle(105);
    writeFileSync(file("arm-writing"), "");
    writeFileSync(path.join(ws.knowledgeDir, e.file), e.text);
    w.api.skipBotMessages(admin1);
    const reload = await w.ask(admin1, "/reload");
    await until("refresh paused while writing", () => faultMarkers(w.bot.logs).some((m) => m.refreshFault === "wait" && m.stage === "writing"));
    rmSync(path.join(ws.dataDir, "refresh.lock"), { recursive: true, force: true });
    // proper-lockfile notices at its next mtime update (every second with a 2 s stale time).
    await until("the compromised-lock warning", () => w.bot.logRecords().some((record) => record.msg === "refresh lock compromised; continuing (the index swap is atomic)"), 15_000);
    writeFileSync(file("release-writing"), "");
    rmSync(file("arm-writing"));
    expect((await adminEdit(w, admin1, /Refresh finished/, reload.messageId)).version.text).toMatch(/added 1,/);
    expect(w.alive()).toBe(true);
    expect((await w.ask(w.newUser(), KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);
  }, 120_000);

  it("the bot SIGKILLed during an upload's refresh: restart loads the previous index, no file lost, the startup refresh finishes the job", async () => {
    // Replace an article with an upload under another extension (.md for the .txt): the old file goes to .trash.
    const original = readFileSync(path.join(ws.knowledgeDir, "banyuwangi-rujukan-e-government.txt"), "utf8");
    const marker = "Pada tahun berikutnya Banyuwangi juga membuka kelas daring bagi pegawai dari dua puluh kabupaten lain.";
    const upload = `${original.trimEnd()}\n\n${marker}\n`;
    const before = hashTree(ws.knowledgeDir);
    const previous = await inspectIndex(ws.dataDir);
    writeFileSync(file("arm-hang"), "");
    w.api.skipBotMessages(admin1);
    await w.api.sendUserDocument({ chat: admin1, fileName: "banyuwangi-rujukan-e-government.md", content: upload });
    await until("the upload's refresh hanging while writing", () => faultMarkers(w.bot.logs).some((m) => m.refreshFault === "hang"), 60_000);
    w.bot.kill();
    expect(await w.bot.exited).toMatchObject({ signal: "SIGKILL" });
    rmSync(file("arm-hang"));

    // The folder: the upload complete under its new name, the replaced file in .trash, everything else unchanged.
    const after = hashTree(ws.knowledgeDir);
    const trashed = [...after].find(([name]) => name.startsWith(".trash/") && name.endsWith("--banyuwangi-rujukan-e-government.txt"));
    expect(trashed?.[1]).toBe(before.get("banyuwangi-rujukan-e-government.txt"));
    expect(readFileSync(path.join(ws.knowledgeDir, "banyuwangi-rujukan-e-government.md"), "utf8")).toBe(upload);
    expect(lostOrChanged(new Map([...before].filter(([name]) => name !== "banyuwangi-rujukan-e-government.txt")), after)).toEqual([]);
    expect(readdirSync(ws.knowledgeDir).filter((name) => name.endsWith(".upload"))).toEqual([]);
    // The index: exactly the previous one.
    const killed = await inspectIndex(ws.dataDir);
    expect(killed.generation).toBe(previous.generation);

    await w.restartBot();
    expect(startupIndexLog(w)).toBeUndefined();
    await until("the startup refresh", () => w.bot.logRecords().some((record) => record.msg === "startup refresh finished"), 60_000);
    const answer = await w.ask(w.newUser("id"), "Banyuwangi membuka kelas daring bagi pegawai dari berapa kabupaten lain?");
    expect(answer.text).toContain("dua puluh kabupaten");
    const final = await inspectIndex(ws.dataDir);
    expect(final.articles.get("banyuwangi-rujukan-e-government")).not.toBe(previous.articles.get("banyuwangi-rujukan-e-government"));
    // The update the killed process was handling is not handled again (runner confirms updates when it fetches them).
    const replays = w.bot.logRecords().filter((record) => record.msg === "article uploaded");
    console.info(`[index] upload update handled again after the restart: ${replays.length > 0 ? "yes" : "no"}`);
  }, 180_000);
});

describe("a real full disk: DATA_DIR on a tiny tmpfs", () => {
  // Mounting needs root with CAP_SYS_ADMIN (true on this machine, often not in CI containers): probe first.
  const probeDir = mkdtempSync(path.join(os.tmpdir(), "tanya-probe-"));
  const canMount = tryMountTmpfs(probeDir, "64k");
  if (canMount) unmount(probeDir);
  rmSync(probeDir, { recursive: true, force: true });
  if (!canMount) console.info("[tmpfs] cannot mount a tmpfs here: the real-disk-full tests are skipped (the fault-hook variant above still runs)");

  it.skipIf(!canMount)("the vectors file filling the disk is detected (hnswlib itself reports success on a truncated write)", async () => {
    const ws = workspace("tanya-hnsw-");
    const engine = await Engine.open({ settings: loadSettings(childEnv({}), { knowledgeDir: ws.knowledgeDir, dataDir: ws.dataDir }), logger: createLogger("silent") });
    try {
      const snapshot = engine.current;
      const generation = path.join(ws.dataDir, snapshot.generation);
      const sizes = Object.fromEntries(["documents.json", "texts.bin", "vectors.hnsw"].map((name) => [name, statSync(path.join(generation, name)).size]));
      // Room for documents.json, texts.bin and half of vectors.hnsw: the disk fills up inside hnswlib's write.
      const target = path.join(ws.root, "full");
      mkdirSync(target);
      const pages = (bytes: number) => Math.ceil(bytes / 4096) * 4;
      expect(tryMountTmpfs(target, `${pages(sizes["documents.json"]!) + pages(sizes["texts.bin"]!) + pages(sizes["vectors.hnsw"]! / 2)}k`)).toBe(true);
      mounts.push(target);
      const { files: _files, ...manifest } = snapshot.manifest;
      const written = writeGeneration(target, manifest, snapshot.documents(), snapshot.vectors, snapshot.lexical);
      await expect(written).rejects.toThrow(/^vectors\.hnsw was not written completely \(no space left on device\): /);
      await expect(written).rejects.toMatchObject({ code: "ENOSPC" });
      // Nothing half-written is left behind, and nothing was made current.
      expect(readdirSync(target)).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it.skipIf(!canMount)("a refresh that does not fit fails with the disk-full message; the old index keeps serving; it succeeds once there is room", async () => {
    const ws = workspace("tanya-tmpfs-");
    mkdirSync(ws.dataDir, { recursive: true });
    expect(tryMountTmpfs(ws.dataDir, "4m")).toBe(true);
    mounts.push(ws.dataDir);
    const w = await world({ workspace: ws });
    const admin = w.admins[0]!;
    await until("the startup refresh", () => w.bot.logRecords().some((record) => record.msg === "startup refresh finished"));
    const before = await inspectIndex(ws.dataDir);
    const stats = statfsSync(ws.dataDir);
    const usedKb = Math.ceil(((stats.blocks - stats.bfree) * stats.bsize) / 1024);
    // Room for about half of another generation of the same size: the new one cannot be written.
    const sizeKb = Math.ceil((usedKb * 1.5) / 4) * 4 + 8;
    remountTmpfs(ws.dataDir, `${sizeKb}k`);
    writeFileSync(path.join(ws.knowledgeDir, "laporan-panjang.md"), longArticle(40_000));
    w.api.skipBotMessages(admin);
    const reload = await w.ask(admin, "/reload");
    const failed = await adminEdit(w, admin, /Refresh (failed|finished)/, reload.messageId);
    console.info(`[tmpfs] ${usedKb} KB used of ${sizeKb} KB: ${failed.version.text.replace(/\n/g, " | ")}`);
    // Which write hits the limit depends on the sizes: documents.json, texts.bin or lexical.bin (Node: "ENOSPC: no space
    // left on device, write") or vectors.hnsw (caught by the read-back: "vectors.hnsw was not written completely").
    expect(failed.version.text).toMatch(/^Refresh failed: the disk holding the index \(DATA_DIR\) is full \((ENOSPC: no space left on device|vectors\.hnsw was not written completely)/);
    expect(failed.version.text).toContain("The previous index keeps serving questions.");
    expect((await inspectIndex(ws.dataDir)).generation).toBe(before.generation);
    expect(readdirSync(ws.dataDir).filter((name) => name.endsWith(".partial"))).toEqual([]);
    expect((await w.ask(w.newUser(), KNOWN_QUESTION)).text).toContain(BANDUNG_BARAT);
    expect(w.alive()).toBe(true);

    remountTmpfs(ws.dataDir, "8m");
    w.api.skipBotMessages(admin);
    const retry = await w.ask(admin, "/reload");
    expect((await adminEdit(w, admin, /Refresh (failed|finished)/, retry.messageId)).version.text).toMatch(/Refresh finished[\s\S]*added 1,/);
    expect((await inspectIndex(ws.dataDir)).articles.has("laporan-panjang")).toBe(true);
    await w.close();
  }, 180_000);
});
