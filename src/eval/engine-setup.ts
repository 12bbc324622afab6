import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createLogger } from "../config/logger.js";
import { loadSettings, PROJECT_ROOT } from "../config/settings.js";
import { TransformersEmbedder } from "../embedding/transformers-embedder.js";
import { Engine } from "../engine/engine.js";
import type { RefreshReport } from "../index/refresh.js";
import type { KnowledgeScan } from "../knowledge/folder.js";
import { InstrumentedEmbedder } from "./instrumented-embedder.js";
import type { Progress } from "./progress.js";

/** The repository's seed knowledge base (also where the glossary for English questions lives). */
export const SEED_KNOWLEDGE_DIR = path.join(PROJECT_ROOT, "knowledge");

export interface OpenedEngine {
  engine: Engine;
  embedder: InstrumentedEmbedder;
  /** The build or refresh that brought the index in line with the articles. */
  report: RefreshReport;
  /** True when the index had to be built from nothing (no usable index in the data folder). */
  built: boolean;
  /** Wall time of opening plus refreshing, seconds (includes loading the model). */
  seconds: number;
  /** Of which loading the embedding model. */
  modelSeconds: number;
}

/**
 * Opens the product's engine on `dataDir` with articles from `scan` (the same cleaning, chunking,
 * embedding and index code as the bot) and makes sure the index matches them: an existing index is
 * refreshed incrementally, so a cached data folder only re-embeds what changed.
 */
export async function openEngineOn(options: { dataDir: string; knowledgeDir?: string; scan?: () => Promise<KnowledgeScan>; progress: Progress; queryCacheSize?: number }): Promise<OpenedEngine> {
  const started = performance.now();
  const settings = loadSettings(process.env, { knowledgeDir: options.knowledgeDir ?? SEED_KNOWLEDGE_DIR, dataDir: options.dataDir });
  const logger = createLogger(process.env.LOG_LEVEL ?? "warn");
  const embedder = new InstrumentedEmbedder(await TransformersEmbedder.create(settings), options.queryCacheSize ?? 0);
  const modelSeconds = (performance.now() - started) / 1000;
  let barStarted = false;
  const onProgress = (done: number, total: number): void => {
    if (total === 0) return;
    if (!barStarted) {
      options.progress.start("embedding passages", total);
      barStarted = true;
    }
    options.progress.update(done, total);
  };
  const engine = await Engine.open({ settings, logger, embedder, onBuildProgress: onProgress, ...(options.scan ? { scan: options.scan } : {}) });
  let report = engine.startupReport;
  const built = report !== undefined;
  if (!report) report = await engine.refresh({ onProgress });
  if (barStarted) options.progress.stop();
  return { engine, embedder, report, built, seconds: (performance.now() - started) / 1000, modelSeconds };
}

/** A temporary copy of the seed knowledge base (never the repository's own folder). */
export function copySeedKnowledge(): { root: string; knowledgeDir: string; dataDir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "tanya-seed-"));
  const knowledgeDir = path.join(root, "knowledge");
  cpSync(SEED_KNOWLEDGE_DIR, knowledgeDir, { recursive: true, filter: (src) => !src.includes(".trash") });
  return { root, knowledgeDir, dataDir: path.join(root, "data") };
}

/** The index generation folder named by `<dataDir>/CURRENT`. */
export function currentGenerationDir(dataDir: string): string {
  return path.join(dataDir, readFileSync(path.join(dataDir, "CURRENT"), "utf8").trim());
}

/** Total bytes of the files under a folder. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return total;
}
