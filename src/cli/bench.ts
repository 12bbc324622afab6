import { Command } from "commander";
import { runBench } from "../eval/bench.js";
import { resolveDataRoot } from "../eval/dataset.js";
import { createProgress } from "../eval/progress.js";
import { formatBench } from "../eval/report.js";
import { exitWithError } from "./open-engine.js";
import { positiveInt } from "./arguments.js";

interface BenchCliOptions {
  articles: number;
  data?: string;
  queries: number;
  coldRuns: number;
  json?: boolean;
  keep?: boolean;
  quiet?: boolean;
}

const program = new Command("bench")
  .description(
    "Scale benchmark: ingests the first N articles of news/articles.jsonl plus the seed knowledge base into a fresh data folder, then " +
      "reports ingest throughput, index size, peak RSS, cold start, query latency (engine.ask) and an unchanged refresh. Progress on stderr, results on stdout.",
  )
  .option("--articles <n>", "news articles to ingest", positiveInt, 1000)
  .option("--data <dir>", "evaluation data folder holding news/articles.jsonl (default: <project root>/../shared/eval)")
  .option("--queries <n>", "timed questions", positiveInt, 200)
  .option("--cold-runs <n>", "cold-start child processes (median reported)", positiveInt, 3)
  .option("--json", "print exactly one JSON object")
  .option("--keep", "keep the temporary data folder (its path is printed in the JSON)")
  .option("--quiet", "no progress on stderr")
  .action(async (options: BenchCliOptions) => {
    const dataRoot = resolveDataRoot(options.data);
    const result = await runBench({ dataRoot, articles: options.articles, queries: options.queries, coldRuns: options.coldRuns, keep: options.keep, progress: createProgress({ quiet: options.quiet }) });
    process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatBench(result)}\n`);
  });

program.parseAsync().catch(exitWithError);
