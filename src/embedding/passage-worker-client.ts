import type { Worker } from "node:worker_threads";
import { startWorker } from "../util/worker-thread.js";
import type { ModelSource } from "./feature-extractor.js";
import type { EmbedRequest, PassageWorkerMessage, StopRequest } from "./passage-worker-protocol.js";

/** An idle worker holds a second copy of the model; let it go when refreshes stop. */
const IDLE_MS = 60_000;
/** A worker asked to stop finishes its batch first (well under a second); past this it is terminated anyway. */
const STOP_GRACE_MS = 30_000;

/**
 * The main thread's handle on the passage-embedding worker: started on the first request (so start-up does not
 * pay for a second model load), one request at a time, stopped after a minute idle. Referenced only while it
 * works, so an idle worker never keeps the process alive. Any failure stops the worker; the next request starts
 * a fresh one. Hand-written rather than a pool library: a request streams back one message per batch.
 */
export class PassageWorker {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly source: ModelSource) {}

  /** Vectors for `texts` in order; `onBatch` gets the count done after each batch. */
  embed(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.run(texts, onBatch));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Stops the worker once the requests queued so far are done, instead of after a minute idle; a next request starts a fresh one. */
  release(): Promise<void> {
    const released = this.queue.then(() => this.dispose());
    this.queue = released.catch(() => {});
    return released;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await stopGracefully(worker);
  }

  private run(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    clearTimeout(this.idleTimer);
    const worker = (this.worker ??= startWorker(new URL("./passage-worker.js", import.meta.url), { workerData: this.source }));
    return new Promise<Float32Array[]>((resolve, reject) => {
      const vectors: Float32Array[] = [];
      const onMessage = (message: PassageWorkerMessage): void => {
        if (message.type === "batch") {
          vectors.push(...message.vectors);
          onBatch?.(vectors.length);
        } else if (message.type === "done") {
          finish();
          resolve(vectors);
        } else fail(`the embedding worker failed: ${message.message}`);
      };
      const onError = (error: Error): void => fail(`the embedding worker crashed: ${error.message}`);
      const onExit = (code: number): void => fail(`the embedding worker stopped (exit code ${code}) before it finished`);
      const fail = (reason: string): void => {
        finish();
        this.stop(worker);
        reject(new Error(`Embedding ${texts.length} passages failed: ${reason}.`));
      };
      const finish = (): void => {
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        worker.unref();
        if (this.worker === worker) this.idleTimer = setTimeout(() => this.stop(worker), IDLE_MS).unref();
      };
      worker.ref();
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      worker.postMessage({ type: "embed", texts } satisfies EmbedRequest);
    });
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = undefined;
      clearTimeout(this.idleTimer);
    }
    void stopGracefully(worker);
  }
}

/**
 * Asks the worker to stop after its current batch and waits for it to exit. `terminate()` on a thread inside
 * ONNX Runtime's synchronous run aborts the whole process ("terminate called after throwing Napi::Error"), so it
 * is only the fallback for a worker that does not answer.
 */
function stopGracefully(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const terminate = (): void => void worker.terminate().then(() => resolve());
    const fallback = setTimeout(terminate, STOP_GRACE_MS).unref();
    worker.once("exit", () => {
      clearTimeout(fallback);
      resolve();
    });
    // Held until it exits: an idle worker is unref'd, and whoever awaits the stop must not see the loop run dry.
    worker.ref();
    try {
      worker.postMessage({ type: "stop" } satisfies StopRequest);
    } catch {
      terminate(); // already gone
    }
  });
}
