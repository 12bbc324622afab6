import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { loadSettings } from "../config/settings.js";
import type { Language } from "../retrieval/language.js";
import { resolveDataRoot } from "../eval/dataset.js";
import { createProgress } from "../eval/progress.js";
import { formatEval, formatSeedDecline } from "../eval/report.js";
import { runEval, runSeedDecline, type QuestionRow } from "../eval/run-eval.js";
import { exitWithError } from "./open-engine.js";
import { positiveInt } from "./arguments.js";

function language(value: string): Language {
  if (value !== "id" && value !== "en") throw new InvalidArgumentError(`must be "id" or "en"`);
  return value;
}

interface EvalCliOptions {
  dataset: string;
  data?: string;
  lang?: Language;
  limit?: number;
  json?: boolean;
  dataDir?: string;
  fresh?: boolean;
  forceLang?: boolean;
  againstSeed?: boolean;
  dump?: string;
  quiet?: boolean;
}

const program = new Command("eval")
  .description(
    "Retrieval quality on an evaluation data set: indexes its corpus with the product's own pipeline and scores the dev questions " +
      "(Recall@1/3/10, MRR@10, nDCG@10, found rate) for the lexical, dense and hybrid configurations. Progress goes to stderr, results to stdout.",
  )
  .requiredOption("--dataset <folder>", "data set folder under --data (belebele, facqa, idk-mrc, tydiqa-id) or a path to one")
  .option("--data <dir>", "evaluation data folder (default: <project root>/../shared/eval)")
  .option("--lang <lang>", "only questions in this language (id or en)", language)
  .option("--limit <n>", "an evenly spaced, deterministic subset of n questions (per language and answerability)", positiveInt)
  .option("--json", "print exactly one JSON object")
  .option("--data-dir <dir>", "index folder (default: a cache under the temp folder keyed by data set, corpus hash and model)")
  .option("--fresh", "build the index in a new temporary folder and delete it afterwards")
  .option("--force-lang", "pass each question's labelled language to the engine instead of detecting it")
  .option("--against-seed", "instead: ask the questions of the seed knowledge base (a temp copy of knowledge/) and report the share declined, plus the seed sanity questions")
  .option("--dump <file>", "write one JSON line per question (ids, per-configuration rank of the first relevant article, found, confidence); keep it outside the repository")
  .option("--quiet", "no progress on stderr")
  .action(async (options: EvalCliOptions) => {
    const dataRoot = resolveDataRoot(options.data);
    const progress = createProgress({ quiet: options.quiet });
    if (options.againstSeed) {
      const result = await runSeedDecline({ dataRoot, dataset: options.dataset, lang: options.lang, limit: options.limit, progress });
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatSeedDecline(result)}\n`);
      if (result.seed_sanity.failures.length > 0) process.exitCode = 1;
      return;
    }
    if (options.dataDir && path.resolve(options.dataDir) === loadSettings().dataDir) {
      throw new Error(`--data-dir ${options.dataDir} is the bot's own index folder (DATA_DIR); the evaluation would replace that index with the data set's. Use another folder.`);
    }
    const freshDir = options.fresh ? mkdtempSync(path.join(os.tmpdir(), "tanya-eval-")) : undefined;
    const dump = options.dump ? createWriteStream(path.resolve(options.dump)) : undefined;
    try {
      const result = await runEval({
        dataRoot,
        dataset: options.dataset,
        lang: options.lang,
        limit: options.limit,
        dataDir: freshDir ?? (options.dataDir ? path.resolve(options.dataDir) : undefined),
        forceLang: options.forceLang,
        progress,
        onQuestion: dump ? (row: QuestionRow) => dump.write(`${JSON.stringify(row)}\n`) : undefined,
      });
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatEval(result)}\n`);
    } finally {
      if (dump) await new Promise((resolve) => dump.end(resolve));
      if (freshDir) rmSync(freshDir, { recursive: true, force: true });
    }
  });

program.parseAsync().catch(exitWithError);
