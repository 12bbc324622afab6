import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker-thread entry given as the URL of its built `.js` file next to the caller
 * (`new URL("./worker.js", import.meta.url)`): that file in the esbuild output (`npm start`); its `.ts` source
 * when the sources run through tsx or vitest, through tsx's require hook (on Node 20 a worker's `--import` flag
 * and `module.register` do not give it tsx's ESM loader).
 */
export function startWorker(builtEntry: URL, options: Pick<WorkerOptions, "workerData"> = {}): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(builtEntry, options);
  const tsx = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const entry = fileURLToPath(builtEntry).replace(/\.js$/, ".ts");
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, { ...options, eval: true });
}
