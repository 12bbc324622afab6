import { appendFileSync, mkdtempSync, rmSync, statSync, truncateSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VectorIndex } from "../../src/index/vector-index.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A written index big enough that some elements carry upper-level links (the variable-length part). */
async function writtenIndex(): Promise<string> {
  const folder = mkdtempSync(path.join(os.tmpdir(), "tanya-vectors-"));
  folders.push(folder);
  const index = VectorIndex.empty(8);
  for (let label = 0; label < 600; label++) index.add(label, Float32Array.from({ length: 8 }, (_, i) => Math.sin(label * 7 + i)));
  const file = path.join(folder, "vectors.hnsw");
  await index.write(file);
  return file;
}

describe("VectorIndex.checkFile", () => {
  it("accepts a complete file", async () => {
    await expect(VectorIndex.checkFile(await writtenIndex())).resolves.toBeUndefined();
  });

  it("rejects a file cut short anywhere: in the links, in the vectors, in the header", async () => {
    const file = await writtenIndex();
    const size = statSync(file).size;
    for (const cut of [size - 3, Math.floor(size / 2), 50]) {
      truncateSync(file, cut);
      await expect(VectorIndex.checkFile(file)).rejects.toThrow(/bytes|ends at byte/);
    }
  });

  it("rejects trailing bytes", async () => {
    const file = await writtenIndex();
    appendFileSync(file, Buffer.alloc(16));
    await expect(VectorIndex.checkFile(file)).rejects.toThrow(/elements need/);
  });
});
