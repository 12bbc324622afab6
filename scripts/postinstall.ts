/**
 * Runs after `npm install`: converts the npm-shipped embedding model into a Transformers.js folder, then
 * builds the index of knowledge/ so the bot answers right away. Both steps are no-ops when up to date.
 */
import path from "node:path";
import { createLogger } from "../src/config/logger.js";
import { BUNDLED_MODEL, loadSettings } from "../src/config/settings.js";
import { convertBundledModel } from "../src/embedding/convert/index.js";
import { Engine } from "../src/engine/engine.js";
import { formatReport } from "../src/index/format-report.js";

const settings = loadSettings();
const conversion = await convertBundledModel({ outDir: path.join(settings.modelsDir, BUNDLED_MODEL) });
console.log(`tanya-egov: embedding model ${conversion.converted ? `converted in ${conversion.seconds.toFixed(1)} s` : "already up to date"} (${conversion.outDir})`);

const engine = await Engine.open({ settings, logger: createLogger(process.env.LOG_LEVEL ?? "warn") });
const report = engine.startupReport ?? (await engine.refresh());
await engine.close();
console.log(`tanya-egov: index of ${settings.knowledgeDir} ready — ${engine.articles().length} articles\n${formatReport(report)}`);
