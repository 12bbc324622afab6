import { existsSync } from "node:fs";
import type { RefreshStage } from "../index/refresh.js";

/*
 * Test-only fault hook for refreshes (reliability tests in test/reliability/). Production never sets it; with the
 * variable unset this module does nothing. The tests start `npm run ingest` or the bot with
 *
 *   TANYA_TEST_REFRESH_FAULT='[{"stage":"writing","action":"hang"}]'
 *
 * and then kill the process, release it, or watch it fail. Every rule that fires prints one JSON line on stderr
 * ({"refreshFault":...}) so the test knows where the refresh is.
 *
 *   stage   "embedding" | "writing" | "swapping" (see RefreshStage)
 *   action  "mark"  print the marker only
 *           "delay" print, then wait `ms`
 *           "hang"  print, then never continue (the test SIGKILLs the process)
 *           "wait"  print, then wait until `file` exists (the test releases the refresh)
 *           "fail"  print, then throw like a failing write: `code` (default ENOSPC, "no space left on device")
 *   times   how many refreshes reaching the stage the rule applies to (default: all)
 *   armFile the rule applies only while this file exists (a running bot can be armed and disarmed)
 */

export const REFRESH_FAULT_ENV = "TANYA_TEST_REFRESH_FAULT";

interface FaultRule {
  stage: RefreshStage;
  action: "mark" | "delay" | "hang" | "wait" | "fail";
  ms?: number;
  file?: string;
  code?: string;
  times?: number;
  armFile?: string;
}

const ERRNO_TEXT: Record<string, [number, string]> = {
  ENOSPC: [-28, "no space left on device"],
  EDQUOT: [-122, "disk quota exceeded"],
  EIO: [-5, "i/o error"],
  EACCES: [-13, "permission denied"],
  EROFS: [-30, "read-only file system"],
};

/** An error shaped like the one fs.write throws, so the code paths that handle real write errors are exercised. */
function writeError(code: string): NodeJS.ErrnoException {
  const [errno, text] = ERRNO_TEXT[code] ?? [-1, "injected fault"];
  return Object.assign(new Error(`${code}: ${text}, write`), { code, errno, syscall: "write" });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The hook described by TANYA_TEST_REFRESH_FAULT, or undefined when the variable is not set. */
export function refreshFaultHookFromEnv(env: NodeJS.ProcessEnv = process.env): ((stage: RefreshStage) => Promise<void>) | undefined {
  const raw = env[REFRESH_FAULT_ENV]?.trim();
  if (!raw) return undefined;
  const parsed = JSON.parse(raw) as FaultRule | FaultRule[];
  const rules = (Array.isArray(parsed) ? parsed : [parsed]).map((rule) => ({ ...rule, fired: 0 }));
  return async (stage) => {
    for (const rule of rules) {
      if (rule.stage !== stage || rule.fired >= (rule.times ?? Infinity)) continue;
      if (rule.armFile !== undefined && !existsSync(rule.armFile)) continue;
      rule.fired++;
      process.stderr.write(`${JSON.stringify({ refreshFault: rule.action, stage, n: rule.fired, pid: process.pid, at: Date.now() })}\n`);
      switch (rule.action) {
        case "mark":
          break;
        case "delay":
          await sleep(rule.ms ?? 100);
          break;
        case "hang":
          // A pending timer keeps the event loop (and the process) alive until the test kills it.
          await new Promise<never>(() => setInterval(() => {}, 60_000));
          break;
        case "wait":
          while (!existsSync(rule.file ?? "")) await sleep(25);
          break;
        case "fail":
          throw writeError(rule.code ?? "ENOSPC");
      }
    }
  };
}
