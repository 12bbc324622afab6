import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Embedder } from "../../src/embedding/embedder.js";
import type { Article } from "../../src/knowledge/article.js";
import { refreshIndex } from "../../src/index/refresh.js";

/**
 * The refresh's batching: the vectors here are not what is tested, so they come from a cheap deterministic
 * embedder that records how it was called; chunking, labels, both indexes and the written generation are real.
 */
class RecordingEmbedder implements Embedder {
  readonly modelId = "recording";
  readonly dimensions = 8;
  readonly calls: number[] = [];

  async embedQueries(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.vector(text));
  }

  async embedPassages(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    this.calls.push(texts.length);
    onBatch?.(texts.length);
    return texts.map((text) => this.vector(text));
  }

  private vector(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions).map((_, i) => 1 + ((text.length * (i + 3)) % 17));
    const norm = Math.hypot(...vector);
    return vector.map((x) => x / norm);
  }

  async dispose(): Promise<void> {}
}

/** An article of `paragraphs` paragraphs of 3–5 sentences (about one passage each). */
function article(n: number, paragraphs: number): Article {
  const text = Array.from({ length: paragraphs }, (_, p) =>
    Array.from({ length: 3 + (p % 3) }, (_, s) => `Kalimat ${s + 1} paragraf ${p + 1} artikel ${n} menjelaskan layanan digital daerah nomor ${n * 100 + p} bagi warga kota.`).join(" "),
  ).join("\n\n");
  return { id: `artikel-${n}`, file: `artikel-${n}.txt`, title: `Artikel ${n}`, source: null, date: null, url: null, text, contentHash: `hash-${n}-${paragraphs}` };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("refresh batches", () => {
  it("chunks and embeds many articles a batch at a time, reporting progress whose total ends exact", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tanya-batches-"));
    dirs.push(dataDir);
    const articles = Array.from({ length: 160 }, (_, n) => article(n, 2 + (n % 7)));
    const embedder = new RecordingEmbedder();
    const progress: Array<[number, number]> = [];
    const { snapshot, report } = await refreshIndex({ dataDir, articles, problems: [], embedder, previous: undefined, onProgress: (done, total) => progress.push([done, total]) });

    const passages = snapshot.passagesByLabel.size;
    expect(report.passagesEmbedded).toBe(passages);
    expect(passages).toBeGreaterThan(2 * 256);
    // Batches of 256 but the last, each embedded in one call.
    expect(embedder.calls.slice(0, -1).every((size) => size === 256)).toBe(true);
    expect(embedder.calls.reduce((sum, size) => sum + size, 0)).toBe(passages);
    // Done never goes back, never passes the total, and both end at the number of passages.
    for (const [i, [done, total]] of progress.entries()) {
      expect(done).toBeLessThanOrEqual(total);
      if (i > 0) expect(done).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    }
    expect(progress.at(-1)).toEqual([passages, passages]);
    // Labels are unique and every article's passages are indexed (vectors and BM25 alike).
    expect(new Set(snapshot.passagesByLabel.keys()).size).toBe(passages);
    expect(snapshot.vectors.liveCount).toBe(passages);
    expect(snapshot.lexical.documentCount).toBe(passages);
    expect(Object.keys(snapshot.manifest.articles)).toHaveLength(160);
    for (const id of Object.keys(snapshot.manifest.articles)) expect(snapshot.manifest.articles[id]!.labels.length).toBeGreaterThan(0);
  });

  it("knows the exact total from the start when one article changed (an upload)", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tanya-batches-"));
    dirs.push(dataDir);
    const progress: Array<[number, number]> = [];
    const { report } = await refreshIndex({ dataDir, articles: [article(1, 400)], problems: [], embedder: new RecordingEmbedder(), previous: undefined, onProgress: (done, total) => progress.push([done, total]) });
    expect(report.passagesEmbedded).toBeGreaterThan(256);
    expect(new Set(progress.map(([, total]) => total))).toEqual(new Set([report.passagesEmbedded]));
  });
});
