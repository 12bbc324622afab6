import cliProgress from "cli-progress";
import type { Engine, RefreshCallbacks } from "../engine/engine.js";
import { formatReport } from "../index/format-report.js";

/** A progress bar on stderr for the embedding part of a refresh (only on a terminal, and not with --quiet). */
function embeddingProgressBar(enabled: boolean): { callbacks: RefreshCallbacks; stop(): void } {
  const show = enabled && process.stderr.isTTY;
  const bar = new cliProgress.SingleBar({ format: "embedding |{bar}| {value}/{total} passages | {eta_formatted} left", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    callbacks: {
      onProgress: (done, total) => {
        if (!show || total === 0) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        // The total is an estimate until the last changed article is chunked (index/refresh.ts).
        bar.setTotal(total);
        bar.update(done);
      },
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Refreshes the index with a progress bar, then prints the report (readable, or JSON with --json). */
export async function refreshAndReport(engine: Engine, options: { json?: boolean; quiet?: boolean }): Promise<void> {
  const progress = embeddingProgressBar(!options.quiet);
  const report = await engine.refresh(progress.callbacks);
  progress.stop();
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
}
