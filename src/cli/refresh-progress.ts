import cliProgress from "cli-progress";
import type { RefreshCallbacks } from "../engine/engine.js";

/** A progress bar on stderr for the embedding part of a refresh (only on a terminal, and not with --quiet). */
export function embeddingProgressBar(enabled: boolean): { callbacks: RefreshCallbacks; stop(): void } {
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
        bar.update(done);
      },
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
