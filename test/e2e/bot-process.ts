import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config/settings.js";
import type { FakeBotApi } from "../fake-bot-api/index.js";

/*
 * Runs the real bot (src/cli/start.ts: real engine, real model, real index) as a child process against the
 * fake Bot API, in a private copy of the knowledge folder, so tests never touch the repository's knowledge/
 * or data/.
 */

export interface BotProcess {
  child: ChildProcess;
  root: string;
  knowledgeDir: string;
  dataDir: string;
  /** Every stderr line so far (pino JSON logs). */
  logs: string[];
  /** Parsed JSON log lines. */
  logRecords(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Graceful stop: SIGTERM to the bot, then wait for it to exit. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Hard stop of the whole process group (test failures, afterAll); safe to call twice. */
  kill(): void;
  cleanup(): void;
}

const require = createRequire(import.meta.url);
/** tsx's CLI, run with this Node binary: the same as `npx tsx src/cli/start.ts`, without npm in between. */
const TSX_CLI = path.join(path.dirname(require.resolve("tsx/package.json")), "dist", "cli.mjs");

export function startBotProcess(options: { token: string; apiRoot: string; adminIds: number[]; env?: Record<string, string> }): BotProcess {
  const root = mkdtempSync(path.join(os.tmpdir(), "tanya-e2e-"));
  const knowledgeDir = path.join(root, "knowledge");
  const dataDir = path.join(root, "data");
  cpSync(path.join(PROJECT_ROOT, "knowledge"), knowledgeDir, { recursive: true, filter: (source) => !source.includes(".trash") });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["EMBEDDING_MODEL", "EMBEDDING_DTYPE", "ALLOWED_CHAT_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET", "RATE_LIMIT_PER_MINUTE", "NODE_OPTIONS"]) delete env[key];
  Object.assign(env, {
    TELEGRAM_BOT_TOKEN: options.token,
    TELEGRAM_API_ROOT: options.apiRoot,
    ADMIN_USER_IDS: options.adminIds.join(","),
    KNOWLEDGE_DIR: knowledgeDir,
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    // These suites trigger refreshes themselves (/reload, uploads) and assert their reports; the folder watcher
    // has its own tests (test/engine/auto-refresh.test.ts) and is turned on where a test passes WATCH=true.
    WATCH: "false",
    ...options.env,
  });
  const child = spawn(process.execPath, [TSX_CLI, "src/cli/start.ts"], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const logs: string[] = [];
  let buffer = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    logs.push(...lines);
  });
  child.stdout!.on("data", (chunk: Buffer) => logs.push(`[stdout] ${chunk.toString()}`));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const kill = (): void => {
    if (dead || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  return {
    child,
    root,
    knowledgeDir,
    dataDir,
    logs,
    logRecords: () =>
      logs.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
    async stop(timeoutMs = 30_000) {
      if (!dead) child.kill("SIGTERM");
      const timer = setTimeout(kill, timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    kill,
    cleanup: () => {
      kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The last log lines, for failure messages. */
export function tail(bot: BotProcess | undefined, lines = 40): string {
  return bot ? bot.logs.slice(-lines).join("\n") : "(bot not started)";
}

/** Starts the bot process and waits until it long-polls the fake Bot API; a bot that never does fails with its log. */
export async function startPollingBot(api: Pick<FakeBotApi, "apiRoot" | "waitForPolling">, options: Omit<Parameters<typeof startBotProcess>[0], "apiRoot">): Promise<BotProcess> {
  const bot = startBotProcess({ ...options, apiRoot: api.apiRoot });
  try {
    await api.waitForPolling({ timeoutMs: 240_000 });
  } catch (error) {
    bot.cleanup();
    throw new Error(`bot did not start polling: ${(error as Error).message}\n--- bot log ---\n${tail(bot)}`);
  }
  return bot;
}
