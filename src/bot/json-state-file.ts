import fs from "node:fs/promises";
import type { Logger } from "../config/logger.js";
import { replaceFileAtomically } from "../util/durable-fs.js";

/**
 * Reads a bot state file (statistics, gaps) through `sanitise`. Missing: undefined. Unreadable or corrupt:
 * moved aside with a warning and undefined, so that state is never worth a bot that does not start.
 */
export async function readStateFile<T>(file: string, sanitise: (raw: unknown) => T, logger: Logger | undefined, what: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") logger?.warn({ file, reason: (error as Error).message }, `${what} file unreadable; starting anew`);
    return undefined;
  }
  try {
    return sanitise(JSON.parse(text));
  } catch (error) {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await fs.rename(file, aside).catch(() => undefined);
    logger?.warn({ file, movedTo: aside, reason: (error as Error).message }, `${what} file unreadable; starting anew`);
    return undefined;
  }
}

/**
 * Writes a state file after changes, coalesced (one write per `delayMs`) and atomic (temp file + fsync +
 * rename), so a crash leaves either the previous or the new file. Without a file (tests, terminal) it does nothing.
 */
export class CoalescedWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly file: string | undefined,
    private readonly render: () => string,
    private readonly logger: Logger | undefined,
    private readonly delayMs: number,
    private readonly what: string,
  ) {}

  changed(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, this.delayMs);
    // A pending write must not keep a finished process alive; shutdown calls flush().
    this.timer.unref();
  }

  /** Writes pending changes now (called on shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) this.writeNow();
    await this.writing;
  }

  private writeNow(): void {
    const file = this.file;
    if (!file) return;
    this.dirty = false;
    const text = this.render();
    this.writing = this.writing
      .then(() => replaceFileAtomically(file, text))
      .catch((error: unknown) => {
        this.dirty = true;
        this.logger?.warn({ file, reason: (error as Error).message }, `could not save the ${this.what}`);
      });
  }
}
