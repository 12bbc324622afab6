import fs from "node:fs/promises";
import path from "node:path";

/**
 * Writes a file and forces it to disk, so a crash right after a rename cannot leave it empty. `data` may be pieces
 * written one after another (a large file never has to exist as one buffer).
 */
export async function writeFileDurable(file: string, data: string | Uint8Array | Iterable<Uint8Array>): Promise<void> {
  const handle = await fs.open(file, "w");
  try {
    await fs.writeFile(handle, data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a file, or a directory's entries (POSIX needs the directory fsync'd for renames to survive a crash). */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` atomically: readers see the old content or the new, never a mix. */
export async function replaceFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFileDurable(temp, data);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncPath(path.dirname(file));
}
