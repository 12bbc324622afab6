import { Command } from "commander";
import { exitWithError, openCliEngine } from "./open-engine.js";
import { refreshAndReport } from "./refresh-report.js";

const program = new Command("ingest")
  .description("Build or refresh the index from the knowledge folder (only new or changed articles are embedded).")
  .option("--json", "print the refresh report as JSON")
  .option("--quiet", "no progress bar")
  .action(async (options: { json?: boolean; quiet?: boolean }) => {
    const engine = await openCliEngine();
    try {
      await refreshAndReport(engine, options);
    } finally {
      await engine.close();
    }
  });

program.parseAsync().catch(exitWithError);
