import { round4 } from "./metrics.js";

export type MemoryFigures = Record<"rss" | "heapUsed" | "external" | "arrayBuffers", number>;

const mb = (bytes: number): number => round4(bytes / 1048576);

/** process.memoryUsage() in MB (MiB, 2²⁰ bytes). */
export function memoryNow(): MemoryFigures {
  const usage = process.memoryUsage();
  return { rss: mb(usage.rss), heapUsed: mb(usage.heapUsed), external: mb(usage.external), arrayBuffers: mb(usage.arrayBuffers) };
}

export interface MemorySamplerOptions {
  /** Sampling interval. */
  sampleMs?: number;
  /** What the measured process is doing, recorded with the RSS peak and in the timeline. */
  stage?: () => string;
  /** Seconds between timeline lines on stderr; none when absent. */
  timelineSeconds?: number;
}

/**
 * Samples process.memoryUsage() on a timer: the peak of each figure, what the others were at the RSS peak, and
 * optionally a timeline on stderr. The peak RSS also takes the OS's own high-water mark (a sampler can miss a
 * short spike between two samples). Benchmarks only: timers keep sampling only while the event loop turns.
 */
export class MemorySampler {
  readonly peaks: MemoryFigures = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  atRssPeak: MemoryFigures & { stage: string; seconds: number } = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0, stage: "", seconds: 0 };
  private readonly started = performance.now();
  private lastLine = -Infinity;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: MemorySamplerOptions = {}) {
    this.timer = setInterval(() => this.sample(), options.sampleMs ?? 50);
    this.timer.unref();
    this.sample();
  }

  sample(): void {
    const now = memoryNow();
    const seconds = round4((performance.now() - this.started) / 1000);
    const stage = this.options.stage?.() ?? "";
    for (const key of Object.keys(this.peaks) as Array<keyof MemoryFigures>) this.peaks[key] = Math.max(this.peaks[key], now[key]);
    if (now.rss >= this.atRssPeak.rss) this.atRssPeak = { ...now, stage, seconds };
    const timeline = this.options.timelineSeconds;
    if (timeline !== undefined && seconds - this.lastLine >= timeline) {
      this.lastLine = seconds;
      process.stderr.write(`${seconds.toFixed(1).padStart(7)} s  ${stage.padEnd(24)} rss ${now.rss.toFixed(0)}  heap ${now.heapUsed.toFixed(0)}  external ${now.external.toFixed(0)}  arrayBuffers ${now.arrayBuffers.toFixed(0)} MB\n`);
    }
  }

  /** Stops sampling; returns the peak RSS in MB, the OS's high-water mark included. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    // maxRSS is in kilobytes.
    return Math.max(this.peaks.rss, mb(process.resourceUsage().maxRSS * 1024));
  }
}
