import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/config/logger.js";
import { BUNDLED_MODEL, loadSettings, PROJECT_ROOT, type Settings } from "../../src/config/settings.js";
import { TransformersEmbedder } from "../../src/embedding/transformers-embedder.js";
import { Engine } from "../../src/engine/engine.js";
import { REPO_KNOWLEDGE } from "../helpers/workspace.js";

/*
 * Passages are embedded in a worker thread with its own ONNX session (the real bundled model), questions on the
 * main thread. A private copy of the model folder lets one test break the model file under a running embedder.
 */

const PASSAGES = Array.from({ length: 64 }, (_, i) => `Pasal ${i + 1}: penyelenggaraan SPBE nasional meliputi tata kelola, manajemen, audit teknologi informasi dan komunikasi, serta penyelenggara SPBE tahap ${i % 7}.`);

let root: string;
let modelDir: string;
let settings: Settings;
let embedder: TransformersEmbedder;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "tanya-embed-worker-"));
  modelDir = path.join(root, BUNDLED_MODEL);
  cpSync(path.join(PROJECT_ROOT, "models", BUNDLED_MODEL), modelDir, { recursive: true });
  // The bundled model takes no prefixes, so a question and a passage with the same text get the same vector.
  const env = { ...process.env, EMBEDDING_MODEL: modelDir, EMBEDDING_DTYPE: "q8", EMBEDDING_QUERY_PREFIX: "", EMBEDDING_PASSAGE_PREFIX: "" };
  settings = loadSettings(env, { knowledgeDir: root, dataDir: root });
  embedder = await TransformersEmbedder.create(settings);
});

afterAll(async () => {
  await embedder.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe("passage embedding in a worker thread", () => {
  it("gives the same vectors as the main thread's session, in order, with progress per batch", async () => {
    const progress: number[] = [];
    const fromWorker = await embedder.embedPassages(PASSAGES.slice(0, 40), (done) => progress.push(done));
    const onMainThread = await embedder.embedQueries(PASSAGES.slice(0, 40));
    expect(progress).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)); // one forward pass per passage
    expect(fromWorker).toHaveLength(40);
    for (let i = 0; i < 40; i++) expect(fromWorker[i]).toEqual(onMainThread[i]);
  });

  it("keeps the main thread's event loop turning while passages embed", async () => {
    let turns = 0;
    let embedding = true;
    const spin = (): void => {
      turns++;
      if (embedding) setImmediate(spin);
    };
    setImmediate(spin);
    const vectors = await embedder.embedPassages(PASSAGES);
    embedding = false;
    expect(vectors).toHaveLength(64);
    // 64 forward passes; were they run on the main thread, each would hold the loop (about one turn per pass).
    expect(turns).toBeGreaterThan(10 * 64);
  });

  it("serialises concurrent calls, each getting its own passages' vectors", async () => {
    const [first, second] = await Promise.all([embedder.embedPassages(PASSAGES.slice(0, 20)), embedder.embedPassages(PASSAGES.slice(20, 23))]);
    const expected = await embedder.embedQueries(PASSAGES.slice(20, 23));
    expect(first).toHaveLength(20);
    expect(second).toEqual(expected);
  });

  it("releases the passage model after the queued passages, and embeds again with a fresh worker afterwards", async () => {
    const queued = embedder.embedPassages(PASSAGES.slice(0, 5));
    await embedder.releasePassageModel();
    const expected = await embedder.embedQueries(PASSAGES.slice(0, 5));
    expect(await queued).toEqual(expected); // the release waited for it instead of stopping the worker mid-way
    expect(await embedder.embedPassages(PASSAGES.slice(0, 5))).toEqual(expected);
  });

  it("rejects with a clear error when the worker cannot load the model, and the next call starts a fresh worker", async () => {
    const fragile = await TransformersEmbedder.create(settings); // its worker starts on the first call below
    const onnx = path.join(modelDir, "onnx");
    renameSync(onnx, `${onnx}.moved`);
    try {
      await expect(fragile.embedPassages(PASSAGES.slice(0, 3))).rejects.toThrow(/^Embedding 3 passages failed: the embedding worker failed: .+/);
    } finally {
      renameSync(`${onnx}.moved`, onnx);
    }
    try {
      expect(await fragile.embedPassages(PASSAGES.slice(0, 3))).toEqual(await embedder.embedQueries(PASSAGES.slice(0, 3)));
    } finally {
      await fragile.dispose();
    }
  });

  it("rejects a pending call with a clear error when the worker stops before it finishes", async () => {
    const stopping = await TransformersEmbedder.create(settings);
    const batches: number[] = [];
    const settled = stopping.embedPassages(PASSAGES, (done) => batches.push(done)).then(
      () => "resolved",
      (error: Error) => error.message,
    );
    while (batches.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // Twice, as two shutdown paths may: the second waits for the first (a second release of the session would abort the process).
    await Promise.all([stopping.dispose(), stopping.dispose()]);
    await stopping.dispose();
    expect(await settled).toMatch(/^Embedding 64 passages failed: the embedding worker stopped \(exit code \d+\) before it finished\.$/);
  });
});

describe("a refresh whose passage embedding fails", () => {
  it("fails cleanly, the previous index keeps answering, and the next refresh indexes the file", async () => {
    const knowledgeDir = path.join(root, "knowledge");
    cpSync(REPO_KNOWLEDGE, knowledgeDir, { recursive: true, filter: (src) => !src.includes(".trash") });
    const engineSettings = { ...settings, knowledgeDir, dataDir: path.join(root, "data") };
    const open = () => Engine.open({ settings: engineSettings, logger: createLogger("silent") });
    await (await open()).close(); // builds the index; the engine below starts with no embedding worker
    const engine = await open();
    try {
      writeFileSync(path.join(knowledgeDir, "mal-pelayanan-publik.txt"), "Mal Pelayanan Publik Kabupaten Sleman\n\nMal Pelayanan Publik Kabupaten Sleman melayani pembuatan paspor dan izin usaha di satu gedung sejak Maret 2021.");
      const onnx = path.join(modelDir, "onnx");
      renameSync(onnx, `${onnx}.moved`);
      try {
        await expect(engine.refresh()).rejects.toThrow(/Embedding \d+ passages failed: the embedding worker failed/);
      } finally {
        renameSync(`${onnx}.moved`, onnx);
      }
      expect(engine.articles().map((article) => article.id)).not.toContain("mal-pelayanan-publik");
      const served = await engine.ask("Ke mana pejabat Bandung Barat studi banding?");
      expect(served.results[0]!.articleId).toBe("banyuwangi-rujukan-e-government");

      expect((await engine.refresh()).added).toEqual(["mal-pelayanan-publik"]);
      const answer = await engine.ask("Sejak kapan Mal Pelayanan Publik Sleman melayani pembuatan paspor?");
      expect(answer.results[0]!.articleId).toBe("mal-pelayanan-publik");
    } finally {
      await engine.close();
    }
  });
});
