/**
 * Dumps, for the dev questions of each data set, the features of every sentence an answer could quote
 * (answer/sentence-features.ts: the sentences of the best passages, as `engine.ask` sees them) and whether
 * the sentence holds one of the question's gold answer strings. scripts/fit-sentence-model.ts fits the
 * answer model on the dump. The dump holds evaluation data: write it outside the repository.
 *
 *   npx tsx scripts/dump-sentence-features.ts --out /tmp/sentences.jsonl [--datasets facqa,idk-mrc,tydiqa-id] [--limit 400] [--passages 5]
 *
 * `--passages`: how many of the best passages to dump (default: as many as an answer quotes from), so the
 * fitting script can measure quoting from more.
 */
import { createWriteStream } from "node:fs";
import path from "node:path";
import { DEFAULT_COMPOSE, relevantCandidates } from "../src/answer/compose.js";
import { candidateSentences } from "../src/answer/sentence-features.js";
import { holdsAnswerString } from "../src/eval/answer-metrics.js";
import { corpusArticles, loadDataset, resolveDataRoot } from "../src/eval/dataset.js";
import { openEngineOn } from "../src/eval/engine-setup.js";
import { createProgress } from "../src/eval/progress.js";
import { defaultEvalDataDir, selectQuestions } from "../src/eval/run-eval.js";
import { PROJECT_ROOT } from "../src/config/settings.js";

/** One question of the dump: its quotable sentences with features and labels. */
export interface DumpedQuestion {
  dataset: string;
  lang: string;
  answerable: boolean;
  found: boolean;
  /** Per quotable sentence: passage index, position in the passage, a key shared by overlapping passages, features, label. */
  sentences: Array<{ passage: number; position: number; key: string; features: number[]; holdsAnswer: boolean; placeInArticle: number; heading: boolean }>;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const out = option("out");
  if (!out) throw new Error("--out FILE is required (outside the repository: the dump holds evaluation data)");
  if (path.resolve(out).startsWith(PROJECT_ROOT + path.sep)) throw new Error("--out must be outside the repository: the dump holds evaluation data");
  const dataRoot = resolveDataRoot(option("data"));
  const datasets = (option("datasets") ?? "facqa,idk-mrc,tydiqa-id").split(",");
  const limit = Number(option("limit") ?? 400);
  const passages = Number(option("passages") ?? DEFAULT_COMPOSE.quotePassages);
  const progress = createProgress({ quiet: true });
  const file = createWriteStream(out);
  for (const name of datasets) {
    const dataset = loadDataset(dataRoot, name);
    const questions = selectQuestions(dataset.questions, { limit });
    const opened = await openEngineOn({ dataDir: defaultEvalDataDir(dataset.name, dataset.corpusHash), scan: async () => corpusArticles(dataset.corpus), progress });
    try {
      const { engine } = opened;
      for (const question of questions) {
        // The same candidates `engine.ask` composes its answer from.
        const { query, candidates } = await engine.search(question.question, { limit: DEFAULT_COMPOSE.maxResults });
        const found = engine.isFound(query, candidates);
        const quotable = relevantCandidates(query, candidates).slice(0, passages);
        const snapshot = engine.current;
        const sentences = found
          ? candidateSentences(snapshot, query, quotable).map((sentence) => ({
              passage: sentence.candidateIndex,
              position: sentence.position,
              heading: sentence.heading,
              key: `${sentence.articleId}:${sentence.start}:${sentence.end}`,
              features: sentence.features.map((value) => Math.round(value * 1e5) / 1e5),
              holdsAnswer: holdsAnswerString(snapshot.articles.get(sentence.articleId)!.text.slice(sentence.start, sentence.end), question.answers),
              // For replaying the hand-set scorer, which broke ties towards the start of the article.
              placeInArticle: sentence.start / (snapshot.articles.get(sentence.articleId)!.text.length || 1),
            }))
          : [];
        const record: DumpedQuestion = { dataset: name, lang: question.lang, answerable: question.relevant.length > 0, found, sentences };
        file.write(JSON.stringify(record) + "\n");
      }
      process.stderr.write(`${name}: ${questions.length} questions\n`);
    } finally {
      await opened.engine.close();
    }
  }
  await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

await main();
