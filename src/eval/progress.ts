import cliProgress from "cli-progress";

/** Progress on stderr: a bar on a terminal, a plain line every ~10 % otherwise (logs, CI), nothing when quiet. */
export interface Progress {
  start(label: string, total: number): void;
  /** `total` when it changed since start (an estimate being refined). */
  update(done: number, total?: number): void;
  stop(): void;
  note(message: string): void;
}

export function createProgress(options: { quiet?: boolean } = {}): Progress {
  if (options.quiet) return { start() {}, update() {}, stop() {}, note() {} };
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      start(label, total) {
        bar?.stop();
        bar = new cliProgress.SingleBar({ format: `${label.padEnd(24)} |{bar}| {value}/{total} | {duration_formatted} elapsed, {eta_formatted} left`, stream: process.stderr, hideCursor: true, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      },
      update(done, newTotal) {
        if (newTotal !== undefined) bar?.setTotal(newTotal);
        bar?.update(done);
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
      note(message) {
        process.stderr.write(`${message}\n`);
      },
    };
  }
  let label = "";
  let total = 0;
  let started = 0;
  let nextReport = 0;
  return {
    start(nextLabel, nextTotal) {
      label = nextLabel;
      total = nextTotal;
      started = performance.now();
      nextReport = 0;
    },
    update(done, newTotal) {
      if (total === 0) return;
      total = newTotal ?? total;
      if (done < nextReport) return;
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(`${label}: ${done}/${total} (${seconds.toFixed(0)} s)\n`);
      nextReport = Math.min(total, done + Math.max(1, Math.ceil(total / 10)));
      if (done >= total) nextReport = Infinity;
    },
    stop() {
      total = 0;
    },
    note(message) {
      process.stderr.write(`${message}\n`);
    },
  };
}
