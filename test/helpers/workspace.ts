import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createLogger } from "../../src/config/logger.js";
import { loadSettings, PROJECT_ROOT, type Settings } from "../../src/config/settings.js";
import { Engine } from "../../src/engine/engine.js";

export const REPO_KNOWLEDGE = path.join(PROJECT_ROOT, "knowledge");

/** A private copy of the knowledge folder and an empty data folder, so tests never touch the repository's. */
export interface Workspace {
  root: string;
  knowledgeDir: string;
  dataDir: string;
  settings: Settings;
  cleanup(): void;
}

export function createWorkspace(options: { copyKnowledge?: boolean } = {}): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), "tanya-test-"));
  const knowledgeDir = path.join(root, "knowledge");
  const dataDir = path.join(root, "data");
  if (options.copyKnowledge ?? true) cpSync(REPO_KNOWLEDGE, knowledgeDir, { recursive: true, filter: (src) => !src.includes(".trash") });
  const env = { ...process.env };
  for (const key of ["EMBEDDING_MODEL", "EMBEDDING_DTYPE", "EMBEDDING_QUERY_PREFIX", "EMBEDDING_PASSAGE_PREFIX", "EMBEDDING_PSEUDO_ENGLISH", "ALLOW_REMOTE_MODELS"]) delete env[key];
  const settings = loadSettings(env, { knowledgeDir, dataDir });
  return { root, knowledgeDir, dataDir, settings, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const silentLogger = createLogger("silent");

export function openEngine(workspace: Workspace): Promise<Engine> {
  return Engine.open({ settings: workspace.settings, logger: silentLogger });
}
