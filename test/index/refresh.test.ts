import { appendFileSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import { Engine } from "../../src/engine/engine.js";
import { createWorkspace, openEngine, type Workspace } from "../helpers/workspace.js";

const NEW_ARTICLE = `---
title: Kota Contoh Luncurkan Aplikasi Pengaduan Warga
source: Warta Contoh
date: 2024-03-05
---
Pemerintah Kota Contoh meluncurkan aplikasi pengaduan warga bernama SAMBAT pada Selasa (5/3/2024). Melalui aplikasi itu warga dapat melaporkan jalan rusak, lampu mati, dan sampah menumpuk langsung kepada dinas terkait.

Kepala Dinas Komunikasi dan Informatika Kota Contoh, Rina Wulandari, mengatakan setiap laporan wajib ditanggapi dalam tiga hari kerja. Laporan yang tidak ditanggapi otomatis diteruskan kepada sekretaris daerah.
`;

let workspace: Workspace | undefined;
const engines: Engine[] = [];
async function open(ws: Workspace): Promise<Engine> {
  const engine = await openEngine(ws);
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  workspace?.cleanup();
  workspace = undefined;
});

function generations(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => name.startsWith("gen-"));
}

describe("incremental refresh", () => {
  it("embeds only added or edited articles and drops removed ones from both indexes", async () => {
    workspace = createWorkspace();
    const engine = await open(workspace);
    expect(engine.startupReport).toMatchObject({ added: expect.arrayContaining(["banyuwangi-rujukan-e-government"]), unchanged: 0 });

    const unchanged = await engine.refresh();
    expect(unchanged).toMatchObject({ added: [], updated: [], removed: [], unchanged: 5, passagesEmbedded: 0 });

    writeFileSync(path.join(workspace.knowledgeDir, "aplikasi-sambat.txt"), NEW_ARTICLE);
    const added = await engine.refresh();
    expect(added).toMatchObject({ added: ["aplikasi-sambat"], updated: [], removed: [], unchanged: 5 });
    expect(added.passagesEmbedded).toBeGreaterThan(0);
    expect(added.passagesEmbedded).toBeLessThanOrEqual(3);
    let answer = await engine.ask("Berapa hari laporan aplikasi SAMBAT wajib ditanggapi?");
    expect(answer.found).toBe(true);
    expect(answer.results[0]!.articleId).toBe("aplikasi-sambat");

    appendFileSync(path.join(workspace.knowledgeDir, "aplikasi-sambat.txt"), "\nAplikasi SAMBAT kini juga dapat diunduh oleh warga di toko aplikasi ponsel Android dan iOS secara gratis.\n");
    const edited = await engine.refresh();
    expect(edited).toMatchObject({ added: [], updated: ["aplikasi-sambat"], removed: [], unchanged: 5 });
    answer = await engine.ask("Di mana warga dapat mengunduh aplikasi SAMBAT?");
    expect(answer.quotes.flatMap((q) => q.sentences.map((s) => s.text))).toContain("Aplikasi SAMBAT kini juga dapat diunduh oleh warga di toko aplikasi ponsel Android dan iOS secara gratis.");

    unlinkSync(path.join(workspace.knowledgeDir, "aplikasi-sambat.txt"));
    const removed = await engine.refresh();
    expect(removed).toMatchObject({ added: [], updated: [], removed: ["aplikasi-sambat"], unchanged: 5, passagesEmbedded: 0 });
    answer = await engine.ask("Berapa hari laporan aplikasi SAMBAT wajib ditanggapi?");
    expect(answer.results.map((r) => r.articleId)).not.toContain("aplikasi-sambat");
    expect((await engine.current.lexical.search("SAMBAT", 10)).length).toBe(0);
    expect(engine.current.vectors.liveCount).toBe(engine.current.passagesByLabel.size);

    // A restarted process sees the same index without embedding anything.
    const reopened = await open(workspace);
    expect(reopened.startupReport).toBeUndefined();
    expect(reopened.articles().map((a) => a.id).sort()).toEqual(engine.articles().map((a) => a.id).sort());
    expect(generations(workspace.dataDir)).toHaveLength(1);
  });

  it("skips unchanged files by size and modification time, and re-reads a file once either changes", async () => {
    workspace = createWorkspace();
    const engine = await open(workspace);
    const file = path.join(workspace.knowledgeDir, "banyuwangi-rujukan-e-government.txt");
    const original = readFileSync(file, "utf8");
    const { atimeMs, mtimeMs } = statSync(file);
    // Same size, same mtime: the file is not read again (that is what keeps a no-op refresh cheap).
    writeFileSync(file, original.replace("Bupati", "BUPATI"));
    utimesSync(file, atimeMs / 1000, mtimeMs / 1000);
    expect(await engine.refresh()).toMatchObject({ updated: [], unchanged: 5 });
    utimesSync(file, new Date(), new Date());
    expect(await engine.refresh()).toMatchObject({ updated: ["banyuwangi-rujukan-e-government"], unchanged: 4 });
  });

  it("keeps the previously indexed version when an article file becomes unreadable", async () => {
    workspace = createWorkspace();
    const engine = await open(workspace);
    writeFileSync(path.join(workspace.knowledgeDir, "banyuwangi-rujukan-e-government.txt"), Buffer.from([0, 1, 2, 3]));
    const report = await engine.refresh();
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]!.message).toMatch(/binary.*previously indexed version is kept/s);
    expect(report.removed).toEqual([]);
    expect((await engine.ask("which region did Bandung Barat study?")).results[0]!.articleId).toBe("banyuwangi-rujukan-e-government");
  });
});

describe("crash safety", () => {
  it.each(["embedding", "writing", "swapping"] as const)("a refresh interrupted at '%s' leaves the previous index serving and loadable", async (stage) => {
    workspace = createWorkspace();
    const engine = await open(workspace);
    writeFileSync(path.join(workspace.knowledgeDir, "aplikasi-sambat.txt"), NEW_ARTICLE);
    await expect(
      engine.refresh({
        onStage: async (current) => {
          if (current === stage) throw new Error(`interrupted at ${stage}`);
        },
      }),
    ).rejects.toThrow(`interrupted at ${stage}`);
    expect(engine.articles().map((a) => a.id)).not.toContain("aplikasi-sambat");
    expect((await engine.ask("which region did Bandung Barat study?")).found).toBe(true);

    const reopened = await open(workspace);
    expect(reopened.startupReport).toBeUndefined();
    expect(reopened.articles()).toHaveLength(5);
    // The next refresh completes the work.
    expect(await reopened.refresh()).toMatchObject({ added: ["aplikasi-sambat"] });
  });

  it("rebuilds from knowledge/ when an index file is corrupted or truncated, with a clear log line", async () => {
    workspace = createWorkspace();
    await (await open(workspace)).close();
    engines.length = 0;
    const [generation] = generations(workspace.dataDir);
    truncateSync(path.join(workspace.dataDir, generation!, "vectors.hnsw"), 1000);

    const lines: string[] = [];
    const captured = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const engine = await Engine.open({ settings: workspace.settings, logger: captured });
    engines.push(engine);
    const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 40);
    expect(warning.msg).toMatch(/^index unusable; rebuilding from /);
    expect(warning.reason).toMatch(/vectors\.hnsw has 1000 bytes, the manifest says \d+ \(truncated or modified\)/);
    expect(engine.startupReport?.rebuilt).toMatch(/^corrupt/);
    expect((await engine.ask("which region did Bandung Barat study?")).found).toBe(true);
  });

  it("rebuilds when the manifest is unreadable or from another model", async () => {
    workspace = createWorkspace();
    await (await open(workspace)).close();
    engines.length = 0;
    const [generation] = generations(workspace.dataDir);
    const manifestFile = path.join(workspace.dataDir, generation!, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, model: { id: "other-model", dimensions: 768 } }));
    const engine = await open(workspace);
    expect(engine.startupReport?.rebuilt).toMatch(/^incompatible: .*other-model \(768 dimensions\)/);

    writeFileSync(path.join(workspace.dataDir, engine.current.generation, "manifest.json"), "{ not json");
    const again = await open(workspace);
    expect(again.startupReport?.rebuilt).toMatch(/^corrupt/);
    expect((await again.ask("Ke mana pejabat Bandung Barat studi banding?")).found).toBe(true);
  });

  it("builds the index when the data folder is missing", async () => {
    workspace = createWorkspace();
    rmSync(workspace.dataDir, { recursive: true, force: true });
    const engine = await open(workspace);
    expect(engine.startupReport?.rebuilt).toMatch(/^missing/);
    expect(engine.articles()).toHaveLength(5);
  });
});
