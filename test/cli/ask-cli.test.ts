import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import { createWorkspace, type Workspace } from "../helpers/workspace.js";

const run = promisify(execFile);
let workspace: Workspace;

beforeAll(() => {
  workspace = createWorkspace();
});
afterAll(() => workspace.cleanup());

function ask(args: string[], input?: string) {
  const child = run("npx", ["tsx", "src/cli/ask.ts", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, KNOWLEDGE_DIR: workspace.knowledgeDir, DATA_DIR: workspace.dataDir, LOG_LEVEL: "warn" },
    timeout: 120_000,
  });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return child;
}

describe("npm run ask", () => {
  it("--json prints exactly one JSON object with the cited answer", async () => {
    const { stdout } = await ask(["--json", "which region did Bandung Barat study?"]);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]!);
    expect(answer.found).toBe(true);
    expect(answer.results[0]).toMatchObject({ rank: 1, title: "Penerapan e-Government di Banyuwangi Menjadi Rujukan", date: "2017-11-01", url: null });
    expect(answer.results[0].quote).toContain("Bandung Barat");
  });

  it("--json without a question answers one question per stdin line, loading the model once", async () => {
    const { stdout } = await ask(["--json"], "Ke mana pejabat Bandung Barat studi banding?\n\nwhat is the capital of France?\n");
    const answers = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(answers.map((a) => [a.question, a.found])).toEqual([
      ["Ke mana pejabat Bandung Barat studi banding?", true],
      ["what is the capital of France?", false],
    ]);
  });

  it("prints a readable answer with numbered citations", async () => {
    const { stdout } = await ask(["Ke mana pejabat Bandung Barat studi banding?"]);
    expect(stdout).toMatch(/^Menurut basis pengetahuan:/);
    expect(stdout).toMatch(/▶ “.+” \[1\]/);
    expect(stdout).toContain("[1] Penerapan e-Government di Banyuwangi Menjadi Rujukan — 1 November 2017");
  });

  it("says so when nothing relevant is known, and lists what the knowledge base covers", async () => {
    const { stdout } = await ask(["what is the capital of France?"]);
    expect(stdout).toMatch(/^Sorry, the knowledge base has nothing relevant/);
    expect(stdout).toContain("Indonesia Pelajari Pemerintahan Berbasis Elektronik di Korea");
  });
});
