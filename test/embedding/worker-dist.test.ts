import { execSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/settings.js";

/*
 * `npm start` runs the esbuild output in dist/, where the passage-embedding worker is passage-worker.js next to
 * passage-worker-client.js (the other tests run the TypeScript sources, where it is the .ts file behind tsx).
 * Here: the built code, in plain Node, embeds passages through its worker and questions on the main thread.
 */

let dir: string;
beforeAll(() => {
  execSync("npm run build --silent", { cwd: PROJECT_ROOT, stdio: "ignore" });
  dir = mkdtempSync(path.join(os.tmpdir(), "tanya-dist-embed-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the built passage-embedding worker", () => {
  it("embeds passages in plain Node from dist/, matching the main thread's vectors", () => {
    const dist = (module: string) => JSON.stringify(pathToFileURL(path.join(PROJECT_ROOT, "dist", module)).href);
    const script = `const { loadSettings } = await import(${dist("config/settings.js")});
const { TransformersEmbedder } = await import(${dist("embedding/transformers-embedder.js")});
const env = { ...process.env, EMBEDDING_QUERY_PREFIX: "", EMBEDDING_PASSAGE_PREFIX: "" };
const embedder = await TransformersEmbedder.create(loadSettings(env));
const texts = ["Arsitektur SPBE Nasional disusun untuk jangka waktu 10 tahun.", "Audit teknologi informasi dan komunikasi dilaksanakan secara berkala."];
const batches = [];
const passages = await embedder.embedPassages(texts, (done) => batches.push(done));
const queries = await embedder.embedQueries(texts);
await embedder.dispose();
process.stdout.write(JSON.stringify({ batches, dimensions: passages[0].length, same: passages.every((vector, i) => vector.every((value, j) => value === queries[i][j])) }));`;
    const entry = path.join(dir, "embed.mjs");
    writeFileSync(entry, script);
    const run = spawnSync(process.execPath, [entry], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ batches: [1, 2], dimensions: 384, same: true }); // one forward pass per passage
  });
});
