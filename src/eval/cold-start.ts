/**
 * Child process of `npm run bench`: opens the engine on an existing index and prints `ready <ms>` as soon
 * as it can answer (ms since this process started), then answers one question and prints
 * `answered <ms>` and `rss <MB>` (before both, `imported <ms>` once the engine's modules are loaded). Usage (after `npm run build`): node dist/eval/cold-start.js <dataDir> <knowledgeDir>
 * It never builds an index: a missing or unusable one is an error.
 */
const [dataDir, knowledgeDir] = process.argv.slice(2);
if (!dataDir || !knowledgeDir) {
  process.stderr.write("usage: cold-start.ts <dataDir> <knowledgeDir>\n");
  process.exit(2);
}
const { createLogger } = await import("../config/logger.js");
const { loadSettings } = await import("../config/settings.js");
const { Engine } = await import("../engine/engine.js");
process.stdout.write(`imported ${performance.now().toFixed(1)}\n`);
const settings = loadSettings(process.env, { dataDir, knowledgeDir });
const engine = await Engine.open({
  settings,
  logger: createLogger("warn"),
  scan: () => Promise.reject(new Error(`cold start expects a built index in ${dataDir}`)),
});
process.stdout.write(`ready ${performance.now().toFixed(1)}\n`);
await engine.ask("Apa program pemerintah untuk layanan publik digital?");
process.stdout.write(`answered ${performance.now().toFixed(1)}\n`);
// Memory of a serving process: model and index loaded, one question answered.
process.stdout.write(`rss ${(process.memoryUsage().rss / 1048576).toFixed(1)}\n`);
await engine.close();
