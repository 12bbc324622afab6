import path from "node:path";
import { watch } from "chokidar";

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
 * chokidar: a half-written file is reported once its size stops changing, and changes are debounced.
 */
export function watchKnowledgeFolder(knowledgeDir: string, onSettled: () => void, options: FolderWatchOptions = {}): FolderWatch {
  const debounceMs = options.debounceMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(onSettled, debounceMs);
  };
  const watcher = watch(knowledgeDir, {
    ignoreInitial: true,
    ignored: (file) => isIgnoredKnowledgePath(knowledgeDir, file),
    awaitWriteFinish: { stabilityThreshold: options.writeFinishMs ?? 1_000, pollInterval: 100 },
  });
  watcher.on("all", changed);
  const ready = new Promise<void>((resolve) => watcher.once("ready", resolve));
  return {
    ready,
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
