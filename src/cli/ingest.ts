import { Command } from "commander";
import cliProgress from "cli-progress";
import { formatReport } from "../index/format-report.js";
import { exitWithError, openCliEngine } from "./open-engine.js";

const program = new Command("ingest")
  .description("Build or refresh the index from the knowledge folder (only new or changed articles are embedded).")
  .option("--json", "print the refresh report as JSON")
  .option("--quiet", "no progress bar")
  .action(async (options: { json?: boolean; quiet?: boolean }) => {
    const engine = await openCliEngine();
    try {
      const showBar = !options.quiet && process.stderr.isTTY;
      const bar = new cliProgress.SingleBar({ format: "embedding |{bar}| {value}/{total} passages | {eta_formatted} left", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
      let started = false;
      const report = await engine.refresh({
        onProgress: (done, total) => {
          if (!showBar || total === 0) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      });
      if (started) bar.stop();
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
    } finally {
      await engine.close();
    }
  });

program.parseAsync().catch(exitWithError);
