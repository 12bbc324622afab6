import { appendFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { townArticle } from "./articles.js";
import { createWorkspace, describeArticles, folderArticles, hashTree, inspectIndex, lostOrChanged, sameArticles, startIngest, type ChildRun, type IndexState, type Workspace } from "./helpers.js";

/*
 * `npm run ingest` SIGKILLed in the middle of a refresh: at fixed points (the test fault hook in
 * src/engine/test-faults.ts pauses the refresh at a stage and prints a marker), then at random times in a loop.
 * After every kill the index on disk is loaded exactly as a restart would (sizes and checksums) and must be the
 * previous index or the complete new one — manifest, documents, passages and vectors describing the same
 * article set — never a mix; and the knowledge folder is byte-for-byte what it was.
 *
 * TANYA_TEST_LOCK_STALE_MS=2000: the next run takes over the dead process's refresh lock after 2 s instead of
 * 15 s (the lock's staleness only decides how long a restart waits, not what it finds).
 */

const LOCK_ENV = { TANYA_TEST_LOCK_STALE_MS: "2000" };
const RANDOM_KILLS = Number(process.env.RELIABILITY_RANDOM_KILLS ?? 8);

let workspace: Workspace;
let expected: { model: { id: string; dimensions: number }; chunking: string };
let articleCounter = 0;
const runs: ChildRun[] = [];

function ingest(env: Record<string, string> = {}): ChildRun {
  const run = startIngest(workspace, { ...LOCK_ENV, ...env });
  runs.push(run);
  return run;
}

/** Runs ingest to completion and returns its JSON report. */
async function ingestToEnd(env: Record<string, string> = {}): Promise<{ added: string[]; updated: string[]; removed: string[]; rebuilt?: string; stderr: string[] }> {
  const run = ingest(env);
  const exit = await run.exited;
  if (exit.code !== 0) throw new Error(`ingest failed (${JSON.stringify(exit)}):\n${run.stderr.slice(-30).join("\n")}`);
  return { ...(JSON.parse(run.stdout.at(-1) ?? "{}") as { added: string[]; updated: string[]; removed: string[]; rebuilt?: string }), stderr: run.stderr };
}

function rebuildLines(stderr: string[]): string[] {
  return stderr.filter((line) => /rebuilding from|index unusable|not built yet/.test(line));
}

/** Adds one new article and edits one indexed article: a mix would show one without the other. */
function mutateKnowledge(): string {
  const added = townArticle(++articleCounter);
  writeFileSync(path.join(workspace.knowledgeDir, added.file), added.text);
  const existing = readdirSync(workspace.knowledgeDir).filter((name) => name.endsWith(".txt")).sort();
  const target = existing[articleCounter % existing.length]!;
  appendFileSync(path.join(workspace.knowledgeDir, target), `\nPembaruan ${articleCounter}: pemerintah daerah menambah layanan daring baru untuk warga pada tahun ini.\n`);
  return `added ${added.file}, edited ${target}`;
}

beforeAll(async () => {
  workspace = createWorkspace("tanya-kill-");
  const first = await ingestToEnd();
  expect(first.stderr.some((line) => line.includes("not built yet"))).toBe(true);
  const state = await inspectIndex(workspace.dataDir);
  expected = { model: state.model, chunking: state.chunking };
  expect(state.articles.size).toBe(5);
}, 120_000);

afterAll(() => {
  for (const run of runs) run.kill();
  workspace?.cleanup();
});

describe("SIGKILL during a refresh at a fixed point", () => {
  it.each(["embedding", "writing", "swapping"] as const)("killed while %s: the previous index loads complete, no article file lost", async (stage) => {
    const change = mutateKnowledge();
    const knowledgeBefore = hashTree(workspace.knowledgeDir);
    const previous = await inspectIndex(workspace.dataDir, expected);
    const next = await folderArticles(workspace.knowledgeDir);
    expect(sameArticles(previous.articles, next)).toBe(false);

    const run = ingest({ TANYA_TEST_REFRESH_FAULT: JSON.stringify({ stage, action: "hang" }) });
    await run.waitForMarker((marker) => marker.stage === stage && marker.refreshFault === "hang");
    // Loading the index at startup did not need a rebuild: the previous kill left a loadable index.
    expect(rebuildLines(run.stderr)).toEqual([]);
    run.kill();
    expect(await run.exited).toEqual({ code: null, signal: "SIGKILL" });

    const after = await inspectIndex(workspace.dataDir, expected);
    // Every stage tested here comes before CURRENT is replaced, so the previous generation is the one serving.
    expect(after.generation).toBe(previous.generation);
    expect(describeArticles(after.articles)).toBe(describeArticles(previous.articles));
    expect(lostOrChanged(knowledgeBefore, hashTree(workspace.knowledgeDir))).toEqual([]);
    const leftovers = readdirSync(workspace.dataDir).filter((name) => name.startsWith("gen-") && name !== after.generation);
    console.info(`[kill] ${stage}: ${change}; serving ${after.generation} (previous), leftovers: ${leftovers.join(", ") || "none"}`);
  });

  it("the next run completes the refresh, without a rebuild, and clears the leftovers", async () => {
    const knowledgeBefore = hashTree(workspace.knowledgeDir);
    const report = await ingestToEnd();
    expect(rebuildLines(report.stderr)).toEqual([]);
    expect(report.rebuilt).toBeUndefined();
    expect(report.added).toHaveLength(3);
    const state = await inspectIndex(workspace.dataDir, expected);
    expect(sameArticles(state.articles, await folderArticles(workspace.knowledgeDir))).toBe(true);
    expect(readdirSync(workspace.dataDir).filter((name) => name.startsWith("gen-"))).toEqual([state.generation]);
    expect(lostOrChanged(knowledgeBefore, hashTree(workspace.knowledgeDir))).toEqual([]);
  });
});

describe("SIGKILL at random times during refreshes", () => {
  it(`${RANDOM_KILLS} kills at random moments: always the previous or the complete new index, never a mix`, async () => {
    // Each stage is slowed by 150 ms (and marked) so that random kill times spread over the whole refresh.
    const hook = JSON.stringify(["embedding", "writing", "swapping"].map((stage) => ({ stage, action: "delay", ms: 150 })));
    const outcomes: string[] = [];
    let kills = 0;
    for (let round = 0; kills < RANDOM_KILLS && round < RANDOM_KILLS * 3; round++) {
      mutateKnowledge();
      const knowledgeBefore = hashTree(workspace.knowledgeDir);
      const previous: IndexState = await inspectIndex(workspace.dataDir, expected);
      const next = await folderArticles(workspace.knowledgeDir);

      const run = ingest({ TANYA_TEST_REFRESH_FAULT: hook });
      await run.waitForMarker((marker) => marker.stage === "embedding");
      expect(rebuildLines(run.stderr)).toEqual([]);
      const delay = Math.floor(Math.random() * 900);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const lastStage = run.markers().at(-1)?.stage;
      const wasAlive = run.alive();
      run.kill();
      const exit = await run.exited;
      if (exit.signal === "SIGKILL") kills++;

      const after = await inspectIndex(workspace.dataDir, expected);
      const isPrevious = sameArticles(after.articles, previous.articles);
      const isNext = sameArticles(after.articles, next);
      if (!isPrevious && !isNext) {
        throw new Error(`a mix after a kill ${delay} ms after 'embedding' (last stage ${lastStage}):\nserving ${describeArticles(after.articles)}\nprevious ${describeArticles(previous.articles)}\nnew ${describeArticles(next)}`);
      }
      expect(lostOrChanged(knowledgeBefore, hashTree(workspace.knowledgeDir))).toEqual([]);
      outcomes.push(`${wasAlive ? `killed +${delay} ms (in ${lastStage})` : "finished before the kill"} → ${isNext ? "new" : "previous"} index`);
    }
    console.info(`[kill] random kills:\n  ${outcomes.join("\n  ")}`);
    expect(kills).toBe(RANDOM_KILLS);
    // Both outcomes are legitimate; which ones occurred is reported above.

    const report = await ingestToEnd();
    expect(rebuildLines(report.stderr)).toEqual([]);
    const state = await inspectIndex(workspace.dataDir, expected);
    expect(sameArticles(state.articles, await folderArticles(workspace.knowledgeDir))).toBe(true);
    expect(readdirSync(workspace.dataDir).filter((name) => name.startsWith("gen-"))).toEqual([state.generation]);
  }, 300_000);
});

describe("cleanup of the test's own changes", () => {
  it("removing the added articles is a normal refresh", async () => {
    for (const name of readdirSync(workspace.knowledgeDir).filter((file) => file.startsWith("uji-"))) unlinkSync(path.join(workspace.knowledgeDir, name));
    const report = await ingestToEnd();
    expect(report.removed.length).toBe(articleCounter);
    expect((await inspectIndex(workspace.dataDir, expected)).articles.size).toBe(5);
  });
});
