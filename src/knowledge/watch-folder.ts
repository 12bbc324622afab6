import fs from "node:fs/promises";
import path from "node:path";
import { subscribe } from "@parcel/watcher";

export interface FolderWatchOptions {
  /** Quiet time after the last change before `onSettled` runs, so a burst of files becomes one refresh. */
  debounceMs?: number;
  /** How long a file's size must stay the same before it counts as written (uploads, copies, editors). */
  writeFinishMs?: number;
}

export interface FolderWatch {
  /** Resolves once the initial scan is done and changes from now on are reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Names that are never articles: `.trash/` (replaced and removed files), dot files (uploads are written as
 * `.name.pid.upload` and then renamed), and editors' and tools' temporary files.
 */
export function isIgnoredKnowledgePath(knowledgeDir: string, file: string): boolean {
  const relative = path.relative(knowledgeDir, file);
  if (relative === "") return false;
  return relative.split(path.sep).some((part) => part.startsWith(".") || part.endsWith("~") || /\.(tmp|temp|swp|swx|part|partial|crdownload)$/i.test(part));
}

/**
 * Reports changes in the knowledge folder and its subfolders (added, changed, removed files and folders) with
 * @parcel/watcher, which watches each folder (inotify on Linux) rather than each file: a knowledge base of 24.5k
 * files takes a handful of watches instead of 24.5k (the kernel's per-user limit is 8,192 on many servers) and
 * ~110 MB less memory than chokidar's watch per file. A file added or changed counts once its size and
 * modification time have stayed the same for `writeFinishMs` (uploads, copies, editors); changes are debounced.
 * Should the watcher report an error (events lost), a refresh runs anyway: it rescans the whole folder.
 */
export function watchKnowledgeFolder(knowledgeDir: string, onSettled: () => void, options: FolderWatchOptions = {}): FolderWatch {
  const debounceMs = options.debounceMs ?? 1_000;
  const writeFinishMs = options.writeFinishMs ?? 1_000;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onSettled, debounceMs);
  };
  const writing = new Map<string, WriteWatch>();
  const waitUntilWritten = (file: string): void => {
    const known = writing.get(file);
    if (known) {
      known.quietSince = Date.now();
      return;
    }
    const watch: WriteWatch = { quietSince: Date.now(), signature: undefined, poll: undefined };
    writing.set(file, watch);
    const check = async (): Promise<void> => {
      const stats = await fs.stat(file).catch(() => undefined);
      if (closed) return;
      const signature = stats ? `${stats.size}:${stats.mtimeMs}` : "gone";
      if (signature !== watch.signature) {
        watch.signature = signature;
        watch.quietSince = Date.now();
      }
      if (Date.now() - watch.quietSince >= writeFinishMs) {
        writing.delete(file);
        changed();
        return;
      }
      watch.poll = setTimeout(() => void check(), WRITE_POLL_MS);
    };
    void check();
  };

  const subscription = subscribe(knowledgeDir, (error, events) => {
    if (error) return changed();
    for (const event of events) {
      if (isIgnoredKnowledgePath(knowledgeDir, event.path)) continue;
      if (event.type === "delete") changed();
      else waitUntilWritten(event.path);
    }
  });
  return {
    ready: subscription.then(() => undefined),
    close: async () => {
      closed = true;
      clearTimeout(timer);
      for (const watch of writing.values()) clearTimeout(watch.poll);
      writing.clear();
      await (await subscription.catch(() => undefined))?.unsubscribe();
    },
  };
}

/** How often a file being written is looked at (its size and modification time). */
const WRITE_POLL_MS = 100;

interface WriteWatch {
  /** Since when the file's size and modification time have not changed. */
  quietSince: number;
  signature: string | undefined;
  poll: NodeJS.Timeout | undefined;
}
