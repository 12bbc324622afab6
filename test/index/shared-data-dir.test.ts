import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { GenerationLeases } from "../../src/index/leases.js";
import type { RefreshReport } from "../../src/index/refresh.js";
import { KNOWN_QUESTION, startIngest, until } from "../reliability/helpers.js";
import { createWorkspace, openEngine, type Workspace } from "../helpers/workspace.js";
import { GERAI_LAYAN_ANSWER, GERAI_LAYAN_ARTICLE as ARTICLE, GERAI_LAYAN_QUESTION as QUESTION } from "../helpers/gerai-layan.js";

/*
 * Replicas share KNOWLEDGE_DIR and DATA_DIR. The other replica here is a real second process: `npm run ingest`
 * (the same Engine.refresh a bot's /reload, upload or folder watcher runs), on the same folders.
 */
let workspace: Workspace | undefined;
const engines: Engine[] = [];
const leaseHolders: GenerationLeases[] = [];

afterEach(async () => {
  delete process.env.TANYA_TEST_LEASE_TTL_MS;
  for (const engine of engines.splice(0)) await engine.close();
  for (const leases of leaseHolders.splice(0)) await leases.close();
  workspace?.cleanup();
  workspace = undefined;
});

function generations(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => name.startsWith("gen-"));
}

function current(dataDir: string): string {
  return readFileSync(path.join(dataDir, "CURRENT"), "utf8").trim();
}

async function ingest(ws: Workspace, env: Record<string, string> = {}): Promise<RefreshReport> {
  const run = startIngest(ws, env);
  const { code } = await run.exited;
  if (code !== 0) throw new Error(`ingest exited with ${code}:\n${run.stderr.slice(-20).join("\n")}`);
  return JSON.parse(run.stdout.at(-1)!) as RefreshReport;
}

describe("replicas sharing one data folder", () => {
  it("a generation published by another process is served within 5 s, without a restart or any embedding here", async () => {
    workspace = createWorkspace();
    const engine = await openEngine(workspace);
    engines.push(engine);
    const before = engine.current.generation;
    expect((await engine.ask(QUESTION)).results.map((r) => r.articleId)).not.toContain("gerai-layan");

    writeFileSync(path.join(workspace.knowledgeDir, "gerai-layan.md"), ARTICLE);
    const ws = workspace;
    const ingested = ingest(ws);
    const published = await until("the other process publishes", () => (current(ws.dataDir) !== before ? current(ws.dataDir) : undefined), 90_000, 10);
    const publishedAt = performance.now();
    await until("this process switches to the published generation", () => engine.current.generation === published, 5_000, 10);
    const seconds = (performance.now() - publishedAt) / 1000;
    console.info(`[replicas] generation published by another process served here ${seconds.toFixed(2)} s after CURRENT changed`);
    expect((await ingested).added).toEqual(["gerai-layan"]);

    const answer = await engine.ask(QUESTION);
    expect(answer.found).toBe(true);
    expect(answer.quotes.flatMap((q) => q.sentences.map((s) => s.text)).join(" ")).toContain(GERAI_LAYAN_ANSWER);
    // A refresh here builds on the adopted generation: nothing to embed again.
    expect(await engine.refresh()).toMatchObject({ added: [], updated: [], passagesEmbedded: 0 });
    // The generation this process served before is deleted once it let go of it.
    await until("the old generation is pruned", () => !generations(workspace!.dataDir).includes(before), 5_000);
    expect(generations(workspace.dataDir)).toEqual([published]);
  }, 120_000);

  it("a published generation that fails to load is logged and the previous one keeps serving; the next good one is adopted", async () => {
    workspace = createWorkspace();
    const ws = workspace;
    const records: Array<Record<string, unknown>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) });
    const engine = await Engine.open({ settings: ws.settings, logger });
    engines.push(engine);
    const serving = engine.current.generation;

    // A generation whose vectors were lost (a torn copy, a disk error) is published by "another process".
    const broken = "gen-1-broken";
    cpSync(path.join(ws.dataDir, serving), path.join(ws.dataDir, broken), { recursive: true });
    rmSync(path.join(ws.dataDir, broken, "vectors.hnsw"));
    writeFileSync(path.join(ws.dataDir, "CURRENT"), `${broken}\n`);
    await until("the failed load is logged", () => records.find((r) => r.msg === "could not load the index generation published by another process; still serving the previous one"), 5_000);
    expect(engine.current.generation).toBe(serving);
    expect((await engine.ask(KNOWN_QUESTION)).found).toBe(true);

    writeFileSync(path.join(ws.knowledgeDir, "gerai-layan.md"), ARTICLE);
    await ingest(ws);
    const published = current(ws.dataDir);
    await until("the good generation is adopted", () => engine.current.generation === published, 5_000);
    expect((await engine.ask(QUESTION)).quotes.flatMap((q) => q.sentences.map((s) => s.text)).join(" ")).toContain(GERAI_LAYAN_ANSWER);
  }, 120_000);

  it("two refreshes started at once in two processes run one after the other; the second finds the work done", async () => {
    workspace = createWorkspace();
    const ws = workspace;
    await ingest(ws);
    writeFileSync(path.join(ws.knowledgeDir, "gerai-layan.md"), ARTICLE);
    const reports = await Promise.all([ingest(ws), ingest(ws)]);
    // Exactly one process embedded the new article; the other waited for the lock and adopted its generation.
    expect(reports.map((r) => r.added.length).sort()).toEqual([0, 1]);
    expect(reports.map((r) => r.passagesEmbedded > 0).sort()).toEqual([false, true]);
    expect(generations(ws.dataDir)).toEqual([current(ws.dataDir)]);
    expect(readdirSync(ws.dataDir).filter((name) => name.endsWith(".partial"))).toEqual([]);
  }, 180_000);

  it("a generation another process still holds a lease on survives a refresh; a lapsed lease does not protect it", async () => {
    workspace = createWorkspace();
    const ws = workspace;
    await ingest(ws);
    const first = current(ws.dataDir);
    // Every replica uses the same lease time; 2 s here so that a lapsed lease takes 2 s, not a minute.
    process.env.TANYA_TEST_LEASE_TTL_MS = "2000";
    // This process plays a replica that is still loading (or serving) the first generation.
    const leases = new GenerationLeases(ws.dataDir);
    leaseHolders.push(leases);
    await leases.hold(first);

    writeFileSync(path.join(ws.knowledgeDir, "gerai-layan.md"), ARTICLE);
    await ingest(ws, { TANYA_TEST_LEASE_TTL_MS: "2000" });
    const second = current(ws.dataDir);
    expect(second).not.toBe(first);
    expect(generations(ws.dataDir).sort()).toEqual([first, second].sort());
    expect(existsSync(path.join(ws.dataDir, first, "manifest.json"))).toBe(true);

    // A replica killed on another machine stops renewing: its lease ages past the lease time and protects nothing.
    // One killed on this machine protects nothing at once: its process is gone.
    await leases.close();
    const leaseDir = path.join(ws.dataDir, "leases");
    mkdirSync(leaseDir, { recursive: true });
    const stale = path.join(leaseDir, `${second}@other-host+4242+abcdef`);
    writeFileSync(stale, "");
    const lapsed = new Date(Date.now() - 10_000);
    utimesSync(stale, lapsed, lapsed);
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const orphan = path.join(leaseDir, `${second}@${os.hostname()}+${deadPid}+abcdef`);
    writeFileSync(orphan, "");
    // Both on the second generation, so the third refresh may delete it only because both leases count as lapsed.
    writeFileSync(path.join(ws.knowledgeDir, "gerai-layan.md"), ARTICLE.replace("214", "215"));
    const report = await ingest(ws, { TANYA_TEST_LEASE_TTL_MS: "2000" });
    expect(report.updated).toEqual(["gerai-layan"]);
    expect(generations(ws.dataDir)).toEqual([current(ws.dataDir)]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(orphan)).toBe(false);
  }, 180_000);
});
