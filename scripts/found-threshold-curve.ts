/**
 * The trade-off behind the `found` thresholds (answer/compose.ts): for each threshold, the share of a data set's
 * answerable questions that are found against the data set's own corpus, and the share of the same questions
 * declined when asked of the seed knowledge base (where they are all out of scope). Whole-set figures only.
 *
 *   npx tsx scripts/found-threshold-curve.ts --dataset belebele [--limit 400] [--data ../shared/eval]
 *
 * Prints one JSON object: per language, per threshold, found and declined rates.
 */
import { DEFAULT_COMPOSE } from "../src/answer/compose.js";
import type { Engine } from "../src/engine/engine.js";
import { corpusArticles, loadDataset, resolveDataRoot, type EvalQuestion } from "../src/eval/dataset.js";
import { copySeedKnowledge, openEngineOn } from "../src/eval/engine-setup.js";
import { round4 } from "../src/eval/metrics.js";
import { createProgress } from "../src/eval/progress.js";
import { defaultEvalDataDir, LANGUAGES, selectQuestions } from "../src/eval/run-eval.js";
import type { Language } from "../src/retrieval/language.js";

const THRESHOLDS = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
/** The candidates `found` looks at (answer/compose.ts isFound). */
const FOUND_DEPTH = 5;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Per language: each question's best confidence among the candidates that decide `found`. */
async function bestConfidences(engine: Engine, questions: readonly EvalQuestion[]): Promise<Record<Language, number[]>> {
  const confidences: Record<Language, number[]> = { id: [], en: [] };
  for (const question of questions) {
    const { candidates } = await engine.search(question.question, { limit: FOUND_DEPTH });
    confidences[question.lang].push(Math.max(0, ...candidates.map((candidate) => candidate.confidence)));
  }
  return confidences;
}

const share = (values: number[], test: (value: number) => boolean): number => (values.length === 0 ? 0 : round4(values.filter(test).length / values.length));

async function main(): Promise<void> {
  const dataset = loadDataset(resolveDataRoot(option("data")), option("dataset") ?? "belebele");
  const limit = option("limit");
  const questions = selectQuestions(dataset.questions, { limit: limit ? Number(limit) : undefined }).filter((question) => question.relevant.length > 0);
  const progress = createProgress({ quiet: true });

  const own = await openEngineOn({ dataDir: defaultEvalDataDir(dataset.name, dataset.corpusHash), scan: async () => corpusArticles(dataset.corpus), progress });
  const answerable = await bestConfidences(own.engine, questions).finally(() => own.engine.close());
  const seed = copySeedKnowledge();
  const seeded = await openEngineOn({ dataDir: seed.dataDir, knowledgeDir: seed.knowledgeDir, progress });
  const outOfScope = await bestConfidences(seeded.engine, questions).finally(() => seeded.engine.close());

  const curve = Object.fromEntries(
    LANGUAGES.filter((lang) => answerable[lang].length > 0).map((lang) => [
      lang,
      THRESHOLDS.map((threshold) => ({
        threshold,
        found_answerable: share(answerable[lang], (value) => value >= threshold),
        declined_against_seed: share(outOfScope[lang], (value) => value < threshold),
      })),
    ]),
  );
  process.stdout.write(`${JSON.stringify({ dataset: dataset.name, questions: questions.length, shipped: DEFAULT_COMPOSE.foundThreshold, curve })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
