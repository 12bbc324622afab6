import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import { loadSnapshot } from "../../src/index/store.js";
import { scanKnowledge } from "../../src/knowledge/folder.js";
import { startBotProcess, tail, type BotProcess } from "../e2e/bot-process.js";
import { startFakeBotApi, type BotMessage, type ChatHandle, type FakeBotApi } from "../fake-bot-api/index.js";

/*
 * Shared pieces of the reliability and load suites: the real bot process (test/e2e/bot-process.ts) against the
 * fake Bot API, `npm run ingest` as a killable child process, on-disk index inspection and process sampling.
 * Everything runs on 127.0.0.1 in temp folders; nothing touches the repository's knowledge/ or data/.
 */

/** The secret half is long enough to match the logger's generic token pattern, and unique enough to grep for. */
export const TOKEN = "7000000005:AAReliabilitySuiteSecretPart_9f3kQ2xZ";
export const TOKEN_SECRET = TOKEN.split(":")[1]!;
export const USERNAME = "TanyaEgovBot";
export const BANDUNG_BARAT = "Kabupaten Bandung Barat";
export const KNOWN_QUESTION = "Ke mana pejabat Bandung Barat studi banding?";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------ workspaces

export interface Workspace {
  root: string;
  knowledgeDir: string;
  dataDir: string;
  cleanup(): void;
}

/** A temp copy of knowledge/ and a data folder path (not created: the engine creates it). */
export function createWorkspace(prefix = "tanya-rel-"): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const knowledgeDir = path.join(root, "knowledge");
  cpSync(path.join(PROJECT_ROOT, "knowledge"), knowledgeDir, { recursive: true, filter: (source) => !source.includes(".trash") });
  return { root, knowledgeDir, dataDir: path.join(root, "data"), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** sha256 of every file under `dir` (relative path → hash), dot-folders such as .trash included. */
export function hashTree(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hashes.set(path.relative(dir, full), createHash("sha256").update(readFileSync(full)).digest("hex"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return hashes;
}

/** Files of `before` that are missing or changed in `after` (empty = nothing lost or truncated). */
export function lostOrChanged(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([file, hash]) => after.get(file) !== hash).map(([file]) => file);
}

/** Every file below `root`, as paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(path.relative(root, full));
    }
  };
  if (existsSync(root)) walk(root);
  return files.sort();
}

// ---------------------------------------------------------------- index state

export interface IndexState {
  generation: string;
  /** article id → content hash, as the loaded generation holds it. */
  articles: Map<string, string>;
  passages: number;
  model: { id: string; dimensions: number };
  chunking: string;
}

/**
 * Loads the generation CURRENT names exactly as the engine would (sizes and checksums of every file checked)
 * and cross-checks its parts: manifest articles = documents articles = articles of the passages, manifest
 * labels = passage labels, one live vector per passage, every vector readable. Throws on any mismatch.
 */
export async function inspectIndex(dataDir: string, expected?: { model: { id: string; dimensions: number }; chunking: string }): Promise<IndexState> {
  const current = readFileSync(path.join(dataDir, "CURRENT"), "utf8").trim();
  const manifestOnDisk = JSON.parse(readFileSync(path.join(dataDir, current, "manifest.json"), "utf8")) as { model: { id: string; dimensions: number }; chunking: string };
  const want = expected ?? manifestOnDisk;
  const snapshot = await loadSnapshot(dataDir, { modelId: want.model.id, dimensions: want.model.dimensions, chunking: want.chunking });
  const problems: string[] = [];
  const manifestIds = Object.keys(snapshot.manifest.articles).sort();
  const documentIds = [...snapshot.articles.keys()].sort();
  if (JSON.stringify(manifestIds) !== JSON.stringify(documentIds)) problems.push(`manifest articles ${manifestIds.join(",")} ≠ documents ${documentIds.join(",")}`);
  const labels = new Set<number>();
  for (const [id, entry] of Object.entries(snapshot.manifest.articles)) {
    const article = snapshot.articles.get(id);
    if (article && article.contentHash !== entry.contentHash) problems.push(`${id}: manifest hash ≠ documents hash`);
    for (const label of entry.labels) {
      labels.add(label);
      const passage = snapshot.passagesByLabel.get(label);
      if (!passage) problems.push(`${id}: label ${label} has no passage`);
      else if (passage.articleId !== id) problems.push(`label ${label}: passage of ${passage.articleId}, manifest says ${id}`);
    }
  }
  for (const passage of snapshot.passagesByLabel.values()) {
    if (!labels.has(passage.label)) problems.push(`passage ${passage.label} of ${passage.articleId} is not in the manifest`);
    if (!snapshot.articles.has(passage.articleId)) problems.push(`passage ${passage.label} belongs to unknown article ${passage.articleId}`);
    try {
      if (snapshot.vectors.vector(passage.label).length !== want.model.dimensions) problems.push(`vector ${passage.label} has the wrong size`);
    } catch (error) {
      problems.push(`vector ${passage.label}: ${(error as Error).message}`);
    }
  }
  if (snapshot.vectors.liveCount !== snapshot.passagesByLabel.size) problems.push(`${snapshot.vectors.liveCount} live vectors for ${snapshot.passagesByLabel.size} passages`);
  if (problems.length > 0) throw new Error(`index ${current} is inconsistent:\n${problems.join("\n")}`);
  return {
    generation: current,
    articles: new Map([...snapshot.articles.values()].map((article) => [article.id, article.contentHash])),
    passages: snapshot.passagesByLabel.size,
    model: snapshot.manifest.model,
    chunking: snapshot.manifest.chunking,
  };
}

/** article id → content hash of what the knowledge folder holds now (what a complete refresh would index). */
export async function folderArticles(knowledgeDir: string): Promise<Map<string, string>> {
  const scan = await scanKnowledge(knowledgeDir);
  return new Map(scan.articles.map((article) => [article.id, article.contentHash]));
}

export function sameArticles(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([id, hash]) => b.get(id) === hash);
}

export function describeArticles(articles: Map<string, string>): string {
  return [...articles].map(([id, hash]) => `${id}@${hash.slice(0, 8)}`).sort().join(", ");
}

// ------------------------------------------------------------ child processes

export interface ChildRun {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** `{"refreshFault": ...}` marker lines printed by the test fault hook (src/engine/test-faults.ts). */
  markers(): Array<{ refreshFault: string; stage: string; n: number; at: number }>;
  waitForMarker(predicate: (marker: { refreshFault: string; stage: string; n: number }) => boolean, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (no cleanup handlers run, like a power cut for the process). */
  kill(): void;
  alive(): boolean;
}

function jsonLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Markers of the test fault hook in any list of log lines. */
export function faultMarkers(lines: string[]): Array<{ refreshFault: string; stage: string; n: number; at: number }> {
  return jsonLines(lines).filter((line) => typeof line.refreshFault === "string") as Array<{ refreshFault: string; stage: string; n: number; at: number }>;
}

/** Environment of a child: the parent's, minus settings that would change what the child does. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(TANYA_TEST_|EMBEDDING_|TELEGRAM_|RATE_LIMIT_|LOAD_)/.test(key)) delete env[key];
  }
  for (const key of ["ALLOWED_CHAT_IDS", "ADMIN_USER_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET", "NODE_OPTIONS", "MAX_UPLOAD_BYTES"]) delete env[key];
  return { ...env, ...extra };
}

/** `npm run ingest` as one process (node --import tsx, no wrapper process), so SIGKILL hits the refresh itself. */
export function startIngest(workspace: Pick<Workspace, "knowledgeDir" | "dataDir">, env: Record<string, string> = {}): ChildRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/ingest.ts", "--json", "--quiet"], {
    cwd: PROJECT_ROOT,
    env: childEnv({ KNOWLEDGE_DIR: workspace.knowledgeDir, DATA_DIR: workspace.dataDir, LOG_LEVEL: "info", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (target: string[]) => {
    let buffer = "";
    return (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      target.push(...lines);
    };
  };
  child.stdout!.on("data", collect(stdout));
  child.stderr!.on("data", collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stdout,
    stderr,
    markers: () => faultMarkers(stderr),
    waitForMarker: (predicate, timeoutMs = 60_000) =>
      until(
        "a refresh fault marker",
        () => {
          if (faultMarkers(stderr).some(predicate)) return true;
          if (!alive()) throw new Error(`ingest exited before the marker:\n${stderr.slice(-20).join("\n")}`);
          return undefined;
        },
        timeoutMs,
      ).then(() => undefined),
    exited,
    kill: () => {
      if (alive()) child.kill("SIGKILL");
    },
    alive,
  };
}

// ------------------------------------------------------------------ bot world

export interface World {
  api: FakeBotApi;
  bot: BotProcess;
  /** The bot's folders (the ones passed in, or startBotProcess's temp copy). */
  knowledgeDir: string;
  dataDir: string;
  admins: ChatHandle[];
  /** A fresh private chat for a test user. */
  newUser(languageCode?: string): ChatHandle;
  ask(chat: ChatHandle, text: string, timeoutMs?: number): Promise<BotMessage>;
  alive(): boolean;
  /** Stops the bot (SIGTERM, graceful) and keeps the fake API running for a restart. */
  stopBot(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts the bot again on the same folders and fake API (after stopBot or a kill). */
  restartBot(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  adminIds?: number[];
  env?: Record<string, string>;
  /** Use these folders instead of a fresh copy of knowledge/ (restarts, prepared indexes). */
  workspace?: Pick<Workspace, "knowledgeDir" | "dataDir">;
  fake?: Parameters<typeof startFakeBotApi>[0];
  startupTimeoutMs?: number;
  /** Wait for the refresh the bot runs right after it starts polling (default true), so tests do not race it. */
  waitForStartupRefresh?: boolean;
}

let userIds = 300_000 + Math.floor(Math.random() * 100_000) * 10;

/** The fake Bot API and the real bot process (npm start's entry point) talking to it, bot up and polling. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const api = await startFakeBotApi({ token: TOKEN, botUsername: USERNAME, defaultTimeoutMs: 30_000, queryTtlMs: 120_000, ...options.fake });
  const adminIds = options.adminIds ?? [90_001];
  const admins = adminIds.map((id, index) => api.privateChat({ id, first_name: `Admin${index + 1}`, language_code: "en" }));
  // Restarts use the first process's folders (startBotProcess would otherwise copy knowledge/ afresh).
  let folders: Record<string, string> = options.workspace ? { KNOWLEDGE_DIR: options.workspace.knowledgeDir, DATA_DIR: options.workspace.dataDir } : {};
  const launch = async (env: Record<string, string>): Promise<BotProcess> => {
    const bot = startBotProcess({ token: TOKEN, apiRoot: api.apiRoot, adminIds, env: { ...stripInherited(), ...folders, ...env } });
    try {
      await until("the bot to start long polling", () => api.calls("getUpdates").some((call) => call.at >= startedAt) || (bot.child.exitCode !== null ? Promise.reject(new Error("bot exited during startup")) : undefined), options.startupTimeoutMs ?? 240_000, 50);
      if (options.waitForStartupRefresh ?? true) {
        await until("the startup refresh", () => bot.logRecords().some((record) => /^startup refresh (finished|failed)/.test(String(record.msg))), 120_000, 50);
      }
    } catch (error) {
      bot.cleanup();
      throw new Error(`${(error as Error).message}\n--- bot log ---\n${tail(bot, 60)}`);
    }
    return bot;
  };
  let startedAt = Date.now();
  let bot = await launch(options.env ?? {});
  if (!options.workspace) folders = { KNOWLEDGE_DIR: bot.knowledgeDir, DATA_DIR: bot.dataDir };
  const started: BotProcess[] = [bot];
  const world: World = {
    api,
    get bot() {
      return bot;
    },
    knowledgeDir: options.workspace?.knowledgeDir ?? bot.knowledgeDir,
    dataDir: options.workspace?.dataDir ?? bot.dataDir,
    admins,
    newUser: (languageCode = "id") => {
      const id = ++userIds;
      return api.privateChat({ id, first_name: `User${id}`, language_code: languageCode });
    },
    ask: async (chat, text, timeoutMs = 60_000) => {
      await api.sendUserMessage({ chat, text });
      return api.waitForBotMessage({ chat, timeoutMs });
    },
    alive: () => bot.child.exitCode === null && bot.child.signalCode === null,
    stopBot: () => bot.stop(),
    restartBot: async (env = options.env ?? {}) => {
      startedAt = Date.now();
      bot = await launch(env);
      started.push(bot);
    },
    close: async () => {
      if (world.alive()) await bot.stop(15_000).catch(() => undefined);
      // Every process has its own temp root (startBotProcess copies knowledge/ there); the first one's holds the
      // folders in use unless a workspace was passed in. cleanup() kills the process group and removes the root.
      for (const process of started) process.cleanup();
      await api.stop();
    },
  };
  return world;
}

/** startBotProcess copies the parent's environment; blank out what would change the bot under test. */
function stripInherited(): Record<string, string> {
  const blank: Record<string, string> = {};
  for (const key of Object.keys(process.env)) if (/^(TANYA_TEST_|RATE_LIMIT_|TELEGRAM_REQUEST_|TELEGRAM_POLL_|MAX_UPLOAD_BYTES$)/.test(key)) blank[key] = "";
  return blank;
}

// --------------------------------------------------------------- process RSS

/** The real bot: startBotProcess runs tsx's CLI, which runs the bot in a child node process. */
export function botPid(bot: BotProcess): number {
  const wrapper = bot.child.pid!;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === wrapper) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return wrapper;
}

/** VmRSS of a process in MB (from /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

// ------------------------------------------------------------------ tmpfs

/** Mounts a tmpfs of `size` at `dir` (root and CAP_SYS_ADMIN needed); false when this machine does not allow it. */
export function tryMountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execQuiet("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir]);
    return true;
  } catch {
    return false;
  }
}

export function remountTmpfs(dir: string, size: string): void {
  execQuiet("mount", ["-o", `remount,size=${size}`, dir]);
}

export function unmount(dir: string): void {
  try {
    execQuiet("umount", ["-l", dir]);
  } catch {
    // not mounted
  }
}

function execQuiet(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 10_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.error?.message})`);
}
