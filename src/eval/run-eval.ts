import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Language } from "../retrieval/language.js";
import type { Answer } from "../answer/answer.js";
import { answerableOutcome, summarizeAnswerable, summarizeUnanswerable, type AnswerableSummary, type UnanswerableSummary } from "./answer-metrics.js";
import { codeVersion, type CodeVersion } from "./code-version.js";
import { corpusArticles, loadDataset, type EvalQuestion } from "./dataset.js";
import { copySeedKnowledge, openEngineOn } from "./engine-setup.js";
import { dedupeRanking, evenlySpacedSubset, firstRelevantRank, round4, scoreQuestion, summarize, type MetricSummary, type QuestionScore } from "./metrics.js";
import type { Progress } from "./progress.js";
import { SEED_QUESTIONS } from "./seed-questions.js";

/** The retrieval configurations compared; "hybrid" is what the bot ships. */
export const CONFIGS = ["lexical", "dense", "hybrid"] as const;
export type ConfigName = (typeof CONFIGS)[number];
export const LANGUAGES: readonly Language[] = ["id", "en"];

/**
 * Sets whose answer strings are multiple-choice options rather than text quoted from the passage: their
 * answer-level figures leave the answer-string rates out (null).
 */
const CHOICE_ANSWER_SETS = new Set(["belebele"]);

/** Passages requested per question: enough for 10 distinct articles after deduplication. */
const SEARCH_LIMIT = 50;

export interface EvalOptions {
  dataRoot: string;
  dataset: string;
  lang?: Language | undefined;
  /** Evenly spaced subset of this many questions (smoke runs). */
  limit?: number | undefined;
  /** Index folder; default a cache under the temp folder keyed by data set, corpus hash and model. */
  dataDir?: string | undefined;
  /** Pass each question's labelled language to the engine instead of letting it detect one. */
  forceLang?: boolean | undefined;
  progress: Progress;
  /** Receives one row per question (ids and ranks only, no question text) for failure analysis. */
  onQuestion?: ((row: QuestionRow) => void) | undefined;
}

export interface DeclineSummary {
  n: number;
  /** Share of these (unanswerable or out-of-scope) questions answered with found = false. */
  decline_rate: number;
}

export interface EvalResult {
  dataset: string;
  questions: number;
  configs: Record<ConfigName, Partial<Record<Language, MetricSummary>>>;
  /** Unanswerable questions (`relevant: []`), excluded from `configs`; only when the set has some. */
  declined?: Record<ConfigName, Partial<Record<Language, DeclineSummary>>>;
  /** What the user reads, through `engine.ask` as the bot answers: answerable questions. */
  answers: Partial<Record<Language, AnswerableSummary>>;
  /** Unanswerable questions through `engine.ask`; only when the set has some. */
  unanswerable?: Partial<Record<Language, UnanswerableSummary>>;
  /** Corpus entries the product's cleaning rejected (too short): they can never be retrieved. */
  skipped_corpus: { count: number; corpus: number; ids: string[]; unreachable_questions: number };
  /** Questions whose detected language differs from the data set's label (only when not forced). */
  language_detection: Partial<Record<Language, { n: number; detected_other: number }>>;
  index: { data_dir: string; articles: number; passages: number; built: boolean; passages_embedded: number; seconds: number };
  found_threshold: Readonly<Record<"id" | "en", number>>;
  forced_lang: boolean;
  /** Mean wall time per question: query embedding, then each configuration's search without it. */
  ms_per_question: Record<ConfigName | "embed", number>;
  /** Which engine code produced these figures. */
  code: CodeVersion;
  seconds: number;
}

export interface QuestionRow {
  id: string;
  lang: Language;
  detected: Language;
  answerable: boolean;
  /** Per configuration: rank of the first relevant article (deduplicated, up to the search depth), found, top confidence, top article. */
  configs: Record<ConfigName, { rank: number | null; found: boolean; confidence: number; top: string | null }>;
}

export function defaultEvalDataDir(dataset: string, corpusHash: string): string {
  const model = (process.env.EMBEDDING_MODEL?.trim() || "default") + "@" + (process.env.EMBEDDING_DTYPE?.trim() || "q8");
  const modelKey = createHash("sha256").update(model).digest("hex").slice(0, 8);
  return path.join(os.tmpdir(), "tanya-eval-cache", `${dataset}-${corpusHash}-${modelKey}`);
}

/** The questions an evaluation asks: language filter first, then the evenly spaced subset per language and answerability. */
export function selectQuestions(questions: readonly EvalQuestion[], options: { lang?: Language | undefined; limit?: number | undefined }): EvalQuestion[] {
  const filtered = options.lang ? questions.filter((q) => q.lang === options.lang) : [...questions];
  if (options.limit === undefined) return filtered;
  return evenlySpacedSubset(filtered, options.limit, (q) => `${q.lang}/${q.relevant.length > 0 ? "answerable" : "unanswerable"}`);
}

/** Indexes a data set's corpus with the product's pipeline and scores its dev questions under each configuration. */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const started = performance.now();
  const dataset = loadDataset(options.dataRoot, options.dataset);
  const questions = selectQuestions(dataset.questions, options);
  if (questions.length === 0) throw new Error(`no questions in ${dataset.name}${options.lang ? ` with lang "${options.lang}"` : ""}`);

  let scanned: ReturnType<typeof corpusArticles> | undefined;
  const scan = async () => (scanned ??= corpusArticles(dataset.corpus));
  const dataDir = options.dataDir ?? defaultEvalDataDir(dataset.name, dataset.corpusHash);
  options.progress.note(`${dataset.name}: ${dataset.corpus.length} corpus entries, ${questions.length} questions; index in ${dataDir}`);
  const opened = await openEngineOn({ dataDir, scan, progress: options.progress, queryCacheSize: 16 });
  const { engine } = opened;
  try {
    const { problems } = await scan();
    const skippedIds = new Set(problems.map((problem) => path.basename(problem.file, ".txt")));
    const scores = Object.fromEntries(CONFIGS.map((config) => [config, { id: [] as QuestionScore[], en: [] as QuestionScore[] }])) as Record<ConfigName, Record<Language, QuestionScore[]>>;
    const declines = Object.fromEntries(CONFIGS.map((config) => [config, { id: [] as boolean[], en: [] as boolean[] }])) as Record<ConfigName, Record<Language, boolean[]>>;
    const detection: Record<Language, { n: number; detected_other: number }> = { id: { n: 0, detected_other: 0 }, en: { n: 0, detected_other: 0 } };
    const searchMs: Record<ConfigName, number> = { lexical: 0, dense: 0, hybrid: 0 };
    const answerOutcomes = { id: [] as Array<ReturnType<typeof answerableOutcome>>, en: [] as Array<ReturnType<typeof answerableOutcome>> };
    const unanswerable: Record<Language, Answer[]> = { id: [], en: [] };
    let unreachable = 0;
    let embedMs = 0;

    options.progress.start(`asking (${CONFIGS.length} configs)`, questions.length);
    for (const [index, question] of questions.entries()) {
      const answerable = question.relevant.length > 0;
      if (answerable && question.relevant.every((id) => skippedIds.has(id))) unreachable++;
      const row: QuestionRow = { id: question.id, lang: question.lang, detected: question.lang, answerable, configs: {} as QuestionRow["configs"] };
      // Embed once up front: the embedder's query cache then serves all three configurations, so their
      // timings are retrieval only and query embedding is timed on its own.
      const t = performance.now();
      await opened.embedder.embedQueries(engine.analyze(question.question, options.forceLang ? question.lang : undefined).denseTexts);
      embedMs += performance.now() - t;
      for (const config of CONFIGS) {
        const t0 = performance.now();
        const { query, candidates } = await engine.search(question.question, { limit: SEARCH_LIMIT, mode: config, ...(options.forceLang ? { lang: question.lang } : {}) });
        searchMs[config] += performance.now() - t0;
        row.detected = query.lang;
        const isFound = engine.isFound(query, candidates);
        const articleIds = candidates.map((candidate) => candidate.passage.articleId);
        const ranking = dedupeRanking(articleIds);
        row.configs[config] = { rank: firstRelevantRank(ranking, new Set(question.relevant)) ?? null, found: isFound, confidence: round4(candidates[0]?.confidence ?? 0), top: ranking[0] ?? null };
        if (answerable) scores[config][question.lang].push(scoreQuestion(articleIds, question.relevant, isFound));
        else declines[config][question.lang].push(!isFound);
      }
      const answer = await engine.ask(question.question, options.forceLang ? { lang: question.lang } : {});
      if (answerable) answerOutcomes[question.lang].push(answerableOutcome(answer, question.answers));
      else unanswerable[question.lang].push(answer);
      detection[question.lang].n++;
      if (row.detected !== question.lang) detection[question.lang].detected_other++;
      options.onQuestion?.(row);
      options.progress.update(index + 1);
    }
    options.progress.stop();

    const languages = LANGUAGES.filter((lang) => questions.some((q) => q.lang === lang));
    const configs = {} as EvalResult["configs"];
    for (const config of CONFIGS) {
      configs[config] = {};
      for (const lang of languages) if (questions.some((q) => q.lang === lang && q.relevant.length > 0)) configs[config][lang] = summarize(scores[config][lang]);
    }
    const result: EvalResult = {
      dataset: dataset.name,
      questions: questions.length,
      configs,
      answers: Object.fromEntries(languages.filter((lang) => answerOutcomes[lang].length > 0).map((lang) => [lang, summarizeAnswerable(answerOutcomes[lang], !CHOICE_ANSWER_SETS.has(dataset.name))])),
      skipped_corpus: { count: problems.length, corpus: dataset.corpus.length, ids: [...skippedIds].slice(0, 20), unreachable_questions: unreachable },
      language_detection: Object.fromEntries(options.forceLang ? [] : languages.map((lang) => [lang, detection[lang]])),
      index: {
        data_dir: dataDir,
        articles: engine.current.articles.size,
        passages: engine.current.passagesByLabel.size,
        built: opened.built,
        passages_embedded: opened.report.passagesEmbedded,
        seconds: round4(opened.seconds),
      },
      found_threshold: engine.foundThresholds,
      forced_lang: Boolean(options.forceLang),
      code: codeVersion(),
      ms_per_question: { embed: round4(embedMs / questions.length), ...(Object.fromEntries(CONFIGS.map((config) => [config, round4(searchMs[config] / questions.length)])) as Record<ConfigName, number>) },
      seconds: 0,
    };
    if (questions.some((q) => q.relevant.length === 0)) {
      const declined = {} as NonNullable<EvalResult["declined"]>;
      for (const config of CONFIGS) {
        declined[config] = {};
        for (const lang of languages) {
          const outcomes = declines[config][lang];
          if (outcomes.length > 0) declined[config][lang] = { n: outcomes.length, decline_rate: round4(outcomes.filter(Boolean).length / outcomes.length) };
        }
      }
      result.declined = declined;
      result.unanswerable = Object.fromEntries(languages.filter((lang) => unanswerable[lang].length > 0).map((lang) => [lang, summarizeUnanswerable(unanswerable[lang])]));
    }
    result.seconds = round4((performance.now() - started) / 1000);
    return result;
  } finally {
    await engine.close();
  }
}

export interface SeedSanityFailure {
  question: string;
  expected: string;
  got: string | null;
  found: boolean;
}

export interface SeedDeclineResult {
  dataset: string;
  questions: number;
  /** The data set's questions asked of the seed knowledge base: all out of scope, so all should decline. */
  against_seed: Partial<Record<Language, DeclineSummary>> & { all: DeclineSummary };
  /** Hand-written questions about the seed articles: all should be found, from the expected article. */
  /** `failures` holds required questions that were not found or not from the expected article; known-weak ones are listed apart. */
  seed_sanity: { n: number; found: number; expected_article_first: number; failures: SeedSanityFailure[]; known_weak: Array<SeedSanityFailure & { passes: boolean; why: string }> };
  found_threshold: Readonly<Record<"id" | "en", number>>;
  code: CodeVersion;
  seconds: number;
}

/** Asks a data set's questions against a temporary copy of the seed knowledge base (engine.ask, as the bot does). */
export async function runSeedDecline(options: { dataRoot: string; dataset: string; lang?: Language | undefined; limit?: number | undefined; progress: Progress }): Promise<SeedDeclineResult> {
  const started = performance.now();
  const dataset = loadDataset(options.dataRoot, options.dataset);
  const questions = selectQuestions(dataset.questions, options);
  const seed = copySeedKnowledge();
  try {
    const { engine } = await openEngineOn({ dataDir: seed.dataDir, knowledgeDir: seed.knowledgeDir, progress: options.progress });
    try {
      const declined: Record<Language, boolean[]> = { id: [], en: [] };
      options.progress.start("asking the seed KB", questions.length);
      for (const [index, question] of questions.entries()) {
        const answer = await engine.ask(question.question);
        declined[question.lang].push(!answer.found);
        options.progress.update(index + 1);
      }
      options.progress.stop();
      const summary = (outcomes: boolean[]): DeclineSummary => ({ n: outcomes.length, decline_rate: outcomes.length === 0 ? 0 : round4(outcomes.filter(Boolean).length / outcomes.length) });
      const againstSeed: SeedDeclineResult["against_seed"] = { all: summary([...declined.id, ...declined.en]) };
      for (const lang of LANGUAGES) if (declined[lang].length > 0) againstSeed[lang] = summary(declined[lang]);

      const failures: SeedSanityFailure[] = [];
      const knownWeak: Array<SeedSanityFailure & { passes: boolean; why: string }> = [];
      let foundCount = 0;
      let first = 0;
      const required = SEED_QUESTIONS.filter((q) => !q.knownWeak);
      for (const seedQuestion of SEED_QUESTIONS) {
        const answer = await engine.ask(seedQuestion.question);
        const top = answer.results[0]?.articleId ?? null;
        const outcome = { question: seedQuestion.question, expected: seedQuestion.article, got: top, found: answer.found };
        const passes = answer.found && top === seedQuestion.article;
        if (seedQuestion.knownWeak) {
          knownWeak.push({ ...outcome, passes, why: seedQuestion.knownWeak });
          continue;
        }
        if (answer.found) foundCount++;
        if (passes) first++;
        else failures.push(outcome);
      }
      return {
        dataset: dataset.name,
        questions: questions.length,
        against_seed: againstSeed,
        seed_sanity: { n: required.length, found: foundCount, expected_article_first: first, failures, known_weak: knownWeak },
        found_threshold: engine.foundThresholds,
        code: codeVersion(),
        seconds: round4((performance.now() - started) / 1000),
      };
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(seed.root, { recursive: true, force: true });
  }
}
