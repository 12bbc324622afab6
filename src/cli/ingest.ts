import { Command } from "commander";
import { formatReport } from "../index/format-report.js";
import { exitWithError, openCliEngine } from "./open-engine.js";
import { embeddingProgressBar } from "./refresh-progress.js";

const program = new Command("ingest")
  .description("Build or refresh the index from the knowledge folder (only new or changed articles are embedded).")
  .option("--json", "print the refresh report as JSON")
  .option("--quiet", "no progress bar")
  .action(async (options: { json?: boolean; quiet?: boolean }) => {
    const engine = await openCliEngine();
    try {
      const progress = embeddingProgressBar(!options.quiet);
      const report = await engine.refresh(progress.callbacks);
      progress.stop();
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
    } finally {
      await engine.close();
    }
  });

program.parseAsync().catch(exitWithError);
