/**
 * Owns the converted model folder: the stamp that makes re-runs a no-op, and
 * the write-to-temp-then-rename dance that makes a conversion all-or-nothing.
 * A process killed mid-conversion leaves at worst a hidden temp folder beside
 * the target (cleaned up by the next run), never a half-written model that
 * Transformers.js would load.
 */
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export const STAMP_FILE = "conversion-stamp.json";

export interface Stamp {
  converterVersion: string;
  sourceSha256: string;
  /** Relative path → byte size, to notice files deleted or truncated by hand. */
  files: Record<string, number>;
}

export async function readStamp(outDir: string): Promise<Stamp | null> {
  try {
    return JSON.parse(await readFile(join(outDir, STAMP_FILE), "utf8")) as Stamp;
  } catch {
    return null;
  }
}

export async function isUpToDate(outDir: string, converterVersion: string, sourceSha256: string): Promise<boolean> {
  const stamp = await readStamp(outDir);
  if (!stamp || stamp.converterVersion !== converterVersion || stamp.sourceSha256 !== sourceSha256) return false;
  for (const [file, size] of Object.entries(stamp.files ?? {})) {
    try {
      if ((await stat(join(outDir, file))).size !== size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Writes `files` plus the stamp into a temp folder next to outDir and swaps it
 * into place. The stamp is written last, so a folder that has one is complete.
 */
export async function writeModelDir(
  outDir: string,
  files: Map<string, Uint8Array>,
  stamp: Omit<Stamp, "files">,
): Promise<void> {
  const parent = dirname(outDir);
  const base = basename(outDir);
  await mkdir(parent, { recursive: true });
  await removeAbandoned(parent, base);

  // Same parent directory → same filesystem, so rename() is atomic.
  const tmp = join(parent, `.${base}.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    const sizes: Record<string, number> = {};
    for (const [file, data] of files) {
      await writeDurably(join(tmp, file), data);
      sizes[file] = data.byteLength;
    }
    const fullStamp: Stamp = { ...stamp, files: sizes };
    await writeDurably(join(tmp, STAMP_FILE), new TextEncoder().encode(`${JSON.stringify(fullStamp, null, 2)}\n`));
    await swapInto(tmp, outDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// fsync before rename: otherwise after a power cut the rename can be on disk
// while the file contents are not, which is exactly the half-written model we avoid.
async function writeDurably(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function swapInto(tmp: string, outDir: string): Promise<void> {
  try {
    await rename(tmp, outDir); // succeeds when outDir is absent (or an empty dir)
    return;
  } catch (error) {
    if (!isCode(error, "ENOTEMPTY", "EEXIST", "EPERM")) throw error;
  }
  // rename() cannot replace a non-empty directory, so move the old one aside first.
  const old = join(dirname(outDir), `.${basename(outDir)}.old-${process.pid}`);
  await rm(old, { recursive: true, force: true });
  await rename(outDir, old);
  await rename(tmp, outDir);
  await rm(old, { recursive: true, force: true });
}

/** Removes temp/old folders left by conversions whose process no longer exists. */
async function removeAbandoned(parent: string, base: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(base)}\\.(?:tmp|old)-(\\d+)$`);
  for (const entry of await readdir(parent)) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) {
      await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, "EPERM"); // exists but belongs to someone else
  }
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === "object" && error !== null && codes.includes((error as { code?: string }).code ?? "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
