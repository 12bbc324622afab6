import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import { articlePage, serve, startDocumentServer, type DocumentServer } from "../helpers/document-server.js";
import { createWorkspace, type Workspace } from "../helpers/workspace.js";

const run = promisify(execFile);
let workspace: Workspace;
let server: DocumentServer;

beforeAll(async () => {
  workspace = createWorkspace();
  server = await startDocumentServer({
    "/berita/mal-pelayanan-publik.html": serve("text/html", articlePage("Mal Pelayanan Publik Digital Diresmikan", "Mal Pelayanan Publik Digital di Kota Sukamaju melayani pembuatan paspor secara daring.")),
  });
});
afterAll(async () => {
  await server.close();
  workspace.cleanup();
});

function cli(script: string, args: string[], env: Record<string, string> = {}) {
  return run("npx", ["tsx", script, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, KNOWLEDGE_DIR: workspace.knowledgeDir, DATA_DIR: workspace.dataDir, LOG_LEVEL: "warn", ...env },
    timeout: 180_000,
  });
}

describe("npm run add", () => {
  it("adds a link and a file, reports what could not be added, and indexes the rest in one refresh", async () => {
    const link = `${server.origin}/berita/mal-pelayanan-publik.html`;
    const file = path.join(workspace.root, "Pedoman Aplikasi Desa.md");
    fs.writeFileSync(file, "# Pedoman Aplikasi Desa\n\nAplikasi Desa Pintar membantu perangkat desa mencatat surat keterangan domisili warga secara elektronik.\n");
    const outcome = await cli("src/cli/add.ts", [link, file, path.join(workspace.root, "missing.txt")], { ALLOW_PRIVATE_URLS: "true" }).then(
      () => ({ code: 0, stdout: "", stderr: "" }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    // One input failed, so the exit code says so; the other two were added.
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("saved " + link + " as mal-pelayanan-publik.html");
    expect(outcome.stderr).toContain("as pedoman-aplikasi-desa.md");
    expect(outcome.stderr).toMatch(/not added: .*missing\.txt: no such file/);
    expect(outcome.stdout).toMatch(/added 2, updated 0, removed 0/);
    expect(JSON.parse(fs.readFileSync(path.join(workspace.knowledgeDir, "mal-pelayanan-publik.html.source.json"), "utf8")).url).toBe(link);

    const { stdout } = await cli("src/cli/ask.ts", ["--json", "Di mana Mal Pelayanan Publik Digital melayani pembuatan paspor?"]);
    const answer = JSON.parse(stdout);
    expect(answer.found).toBe(true);
    expect(answer.results[0].title).toBe("Mal Pelayanan Publik Digital Diresmikan");
  });

  it("refuses a private address unless ALLOW_PRIVATE_URLS=true, and changes nothing", async () => {
    const before = fs.readdirSync(workspace.knowledgeDir).sort();
    const failure = await cli("src/cli/add.ts", [`${server.origin}/berita/mal-pelayanan-publik.html`], { ALLOW_PRIVATE_URLS: "false" }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/127\.0\.0\.1 is a loopback address \(set ALLOW_PRIVATE_URLS=true/);
    expect(fs.readdirSync(workspace.knowledgeDir).sort()).toEqual(before);
  });
});
