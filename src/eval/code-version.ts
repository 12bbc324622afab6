import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config/settings.js";

/** Folders whose code decides retrieval results; their fingerprint tells which code produced a figure. */
const ENGINE_DIRS = ["src/engine", "src/retrieval", "src/index", "src/knowledge", "src/passages", "src/answer", "src/embedding", "knowledge/glossary.tsv"];

function files(relative: string): string[] {
  const full = path.join(PROJECT_ROOT, relative);
  try {
    return readdirSync(full, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(PROJECT_ROOT, path.join(entry.parentPath, entry.name)));
  } catch {
    return [relative];
  }
}

export interface CodeVersion {
  /** `git rev-parse --short HEAD`, or null outside a git checkout. */
  commit: string | null;
  /** Uncommitted changes under the engine folders. */
  dirty: boolean | null;
  /** First 12 hex of sha256 over the engine folders' files (path + content), committed or not. */
  engine_fingerprint: string;
}

export function codeVersion(): CodeVersion {
  const hash = createHash("sha256");
  for (const file of ENGINE_DIRS.flatMap(files).sort()) {
    try {
      hash.update(file).update("\0").update(readFileSync(path.join(PROJECT_ROOT, file))).update("\0");
    } catch {
      // A folder that does not exist contributes nothing.
    }
  }
  const git = (args: string[]): string | null => {
    try {
      return execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const status = commit === null ? null : git(["status", "--porcelain", "--", ...ENGINE_DIRS]);
  return { commit, dirty: status === null ? null : status !== "", engine_fingerprint: hash.digest("hex").slice(0, 12) };
}
