import { createLogger } from "../config/logger.js";
import { loadSettings, type Settings } from "../config/settings.js";
import { Engine } from "../engine/engine.js";

/** Engine for command-line tools: quieter logs (warnings and errors) unless LOG_LEVEL says otherwise. */
export async function openCliEngine(overrides: Partial<Pick<Settings, "knowledgeDir" | "dataDir">> = {}): Promise<Engine> {
  const settings = loadSettings(process.env, overrides);
  const logger = createLogger(process.env.LOG_LEVEL ?? "warn");
  return Engine.open({ settings, logger });
}

/** Prints a clear one-line error instead of a stack trace for expected failures. */
export function exitWithError(error: unknown): never {
  process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
}
