/**
 * Calibrates `found` (answer/compose.ts) on whole dev sets: each answerable question is asked of its data set's
 * own corpus (it should be found), and every question, answerable or not, of the seed knowledge base (it is out
 * of scope there: it should be declined, as `eval --against-seed` checks). For each mix of the two confidence signals (retrieval/hybrid.ts confidenceOf: dense similarity and
 * concept coverage) and each threshold, it reports the found rate per data set and the decline rate; it then
 * picks, per question language, the mix and threshold with the best worst-set found rate among those that
 * still decline at least `--min-decline` of the out-of-scope questions. Whole-set figures only: nothing is
 * tuned to individual questions.
 *
 *   npx tsx scripts/found-threshold-curve.ts [--datasets belebele,facqa,idk-mrc,tydiqa-id] [--limit 400] [--min-decline 0.97]
 *
 * Prints one JSON object (the curve at the shipped mix, and the pick).
 */
import { DEFAULT_COMPOSE } from "../src/answer/compose.js";
import type { Engine } from "../src/engine/engine.js";
import { corpusArticles, loadDataset, resolveDataRoot, type EvalQuestion } from "../src/eval/dataset.js";
import { copySeedKnowledge, openEngineOn } from "../src/eval/engine-setup.js";
import { round4 } from "../src/eval/metrics.js";
import { createProgress } from "../src/eval/progress.js";
import { defaultEvalDataDir, LANGUAGES, selectQuestions } from "../src/eval/run-eval.js";
import { CONFIDENCE, confidenceOf } from "../src/retrieval/hybrid.js";
import type { Language } from "../src/retrieval/language.js";

const THRESHOLDS = Array.from({ length: 15 }, (_, i) => round4(0.25 + i * 0.025));
const DENSE_SHARES = [0.2, 0.3, 0.35, 0.4, 0.5, 0.6];
/** The candidates `found` looks at (answer/compose.ts isFound). */
const FOUND_DEPTH = 5;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** A question's top candidates as (dense similarity, coverage) pairs. */
type Signals = Array<[number, number]>;

async function signalsOf(engine: Engine, questions: readonly EvalQuestion[]): Promise<Signals[]> {
  const all: Signals[] = [];
  for (const question of questions) {
    const { candidates } = await engine.search(question.question, { limit: FOUND_DEPTH });
    all.push(candidates.map((candidate) => [candidate.dense, candidate.coverage]));
  }
  return all;
}

const best = (signals: Signals, lang: Language, denseShare: number): number => Math.max(0, ...signals.map(([dense, coverage]) => confidenceOf(dense, coverage, lang, denseShare)));
const share = (values: boolean[]): number => (values.length === 0 ? 0 : round4(values.filter(Boolean).length / values.length));

async function main(): Promise<void> {
  const dataRoot = resolveDataRoot(option("data"));
  const datasets = (option("datasets") ?? "belebele,facqa,idk-mrc,tydiqa-id").split(",");
  const limit = Number(option("limit") ?? 400);
  const minDecline = Number(option("min-decline") ?? 0.97);
  const progress = createProgress({ quiet: true });
  // Per language: per data set, the answerable questions' signals against their own corpus; and all of them against the seed.
  const own: Record<Language, Record<string, Signals[]>> = { id: {}, en: {} };
  const seedSignals: Record<Language, Signals[]> = { id: [], en: [] };
  const seed = copySeedKnowledge();
  const seeded = await openEngineOn({ dataDir: seed.dataDir, knowledgeDir: seed.knowledgeDir, progress });
  try {
    for (const name of datasets) {
      const dataset = loadDataset(dataRoot, name);
      const questions = selectQuestions(dataset.questions, { limit });
      const opened = await openEngineOn({ dataDir: defaultEvalDataDir(dataset.name, dataset.corpusHash), scan: async () => corpusArticles(dataset.corpus), progress });
      try {
        for (const lang of LANGUAGES) {
          const asked = questions.filter((question) => question.lang === lang);
          if (asked.length === 0) continue;
          own[lang][name] = await signalsOf(opened.engine, asked.filter((question) => question.relevant.length > 0));
          seedSignals[lang].push(...(await signalsOf(seeded.engine, asked)));
        }
      } finally {
        await opened.engine.close();
      }
    }
  } finally {
    await seeded.engine.close();
  }

  const evaluate = (lang: Language, denseShare: number, threshold: number) => ({
    threshold,
    found: Object.fromEntries(Object.entries(own[lang]).map(([name, signals]) => [name, share(signals.map((s) => best(s, lang, denseShare) >= threshold))])),
    declined_against_seed: share(seedSignals[lang].map((s) => best(s, lang, denseShare) < threshold)),
  });
  const result: Record<string, unknown> = { datasets, limit, min_decline: minDecline, shipped: { threshold: DEFAULT_COMPOSE.foundThreshold, dense_share: CONFIDENCE.denseShare } };
  for (const lang of LANGUAGES) {
    if (Object.keys(own[lang]).length === 0) continue;
    const grid = DENSE_SHARES.flatMap((denseShare) => THRESHOLDS.map((threshold) => ({ dense_share: denseShare, ...evaluate(lang, denseShare, threshold) })));
    const acceptable = grid.filter((point) => point.declined_against_seed >= minDecline);
    const worst = (point: (typeof grid)[number]) => Math.min(...Object.values(point.found));
    const pick = acceptable.sort((a, b) => worst(b) - worst(a) || b.declined_against_seed - a.declined_against_seed)[0];
    result[lang] = { curve_at_shipped_mix: THRESHOLDS.map((threshold) => evaluate(lang, CONFIDENCE.denseShare[lang], threshold)), pick };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
