import { execSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import { buildPdf, regulationSpec } from "../helpers/documents.js";

/*
 * `npm start` runs the esbuild output in dist/, where the extraction worker is worker.js next to extract.js
 * (the other tests run the TypeScript sources, where it is worker.ts behind tsx). Here: the built code, in
 * plain Node, reads a PDF through its worker.
 */

let dir: string;
beforeAll(() => {
  execSync("npm run build --silent", { cwd: PROJECT_ROOT, stdio: "ignore" });
  dir = mkdtempSync(path.join(os.tmpdir(), "tanya-dist-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the built extraction worker", () => {
  it("reads a PDF in plain Node from dist/", async () => {
    const file = path.join(dir, "perpres.pdf");
    writeFileSync(file, await buildPdf(regulationSpec()));
    const parse = pathToFileURL(path.join(PROJECT_ROOT, "dist", "knowledge", "parse.js")).href;
    const script = `const { readArticle } = await import(${JSON.stringify(parse)});
const { readFileSync } = await import("node:fs");
const article = await readArticle("regulasi/perpres.pdf", readFileSync(process.argv[2]));
process.stdout.write(JSON.stringify({ id: article.id, pages: article.pages.length, pasal5: article.sections.some((s) => s.title === "Pasal 5") }));`;
    const entry = path.join(dir, "read.mjs");
    writeFileSync(entry, script);
    const run = spawnSync(process.execPath, [entry, file], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ id: "regulasi/perpres", pages: 4, pasal5: true });
  });
});
