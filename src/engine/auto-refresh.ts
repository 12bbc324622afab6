import type { Logger } from "../config/logger.js";
import type { RefreshReport } from "../index/refresh.js";
import { watchKnowledgeFolder, type FolderWatch, type FolderWatchOptions } from "../knowledge/watch-folder.js";
import type { Engine } from "./engine.js";

export interface AutoRefresh {
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Refreshes the index when the knowledge folder changes (WATCH=true, the default), so a file dropped in, edited
 * or deleted is answered from within seconds without /reload. Changes that arrive during a refresh cause one
 * more refresh after it, never several. With replicas on one folder every process watches it; the index lock
 * lets one of them refresh and the others adopt its generation (Engine.refresh), so nothing is embedded twice.
 */
export function startAutoRefresh(engine: Pick<Engine, "refresh">, knowledgeDir: string, logger: Logger, options: FolderWatchOptions & { onRefreshed?: (report: RefreshReport) => void } = {}): AutoRefresh {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        const report = await engine.refresh();
        if (report.added.length + report.updated.length + report.removed.length > 0) logger.info({ added: report.added, updated: report.updated, removed: report.removed }, "knowledge folder changed; index refreshed");
        options.onRefreshed?.(report);
      } catch (error) {
        logger.warn({ reason: (error as Error).message }, "refresh after a knowledge folder change failed; the previous index keeps serving");
      }
    } while (again && !closed);
  };
  const watch: FolderWatch = watchKnowledgeFolder(
    knowledgeDir,
    () => {
      if (closed) return;
      if (running) {
        again = true;
        return;
      }
      running = run().finally(() => {
        running = undefined;
      });
    },
    options,
  );
  // A folder that cannot be watched (gone, unreadable, the kernel's watch limit reached) leaves refreshes to
  // /reload and `npm run ingest`; it must not stop the bot.
  const ready = watch.ready.catch((error: unknown) => {
    logger.warn({ knowledgeDir, reason: (error as Error).message }, "cannot watch the knowledge folder; changes are indexed on /reload or npm run ingest");
  });
  return {
    ready,
    close: async () => {
      closed = true;
      await watch.close();
      await running;
    },
  };
}
