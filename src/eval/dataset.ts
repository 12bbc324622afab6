import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { PROJECT_ROOT } from "../config/settings.js";
import type { Article, ArticleProblem } from "../knowledge/article.js";
import { ArticleError, articleFromText } from "../knowledge/parse.js";
import type { Language } from "../retrieval/language.js";

/**
 * Evaluation data lives outside the repository (it may not be copied into it or shipped): by default in
 * `<project root>/../shared/eval`, one folder per data set. See that folder's README for the formats.
 */
export const DEFAULT_EVAL_DATA = path.resolve(PROJECT_ROOT, "..", "shared", "eval");

export class EvalDataError extends Error {}

export interface CorpusEntry {
  id: string;
  text: string;
}

export interface EvalQuestion {
  id: string;
  question: string;
  lang: Language;
  /** Corpus ids that answer the question; empty for unanswerable questions. */
  relevant: string[];
  answers: string[];
}

export interface Dataset {
  name: string;
  dir: string;
  corpus: CorpusEntry[];
  questions: EvalQuestion[];
  /** First 12 hex of sha256 over corpus.jsonl: keys the cached index. */
  corpusHash: string;
}

/** The evaluation data folder, with an error that says how to point at it when it is missing. */
export function resolveDataRoot(data: string | undefined): string {
  const root = path.resolve(data ?? DEFAULT_EVAL_DATA);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new EvalDataError(
      `evaluation data not found at ${root}. It is kept outside the repository; pass --data <dir> with the folder that holds belebele/, facqa/, idk-mrc/, tydiqa-id/ and news/ (default: <project root>/../shared/eval).`,
    );
  }
  return root;
}

/** A data set by folder name under the data root (or a path to a folder holding corpus.jsonl). */
export function resolveDatasetDir(dataRoot: string, dataset: string): string {
  const candidates = [path.join(dataRoot, dataset), path.resolve(dataset)];
  const dir = candidates.find((candidate) => existsSync(path.join(candidate, "corpus.jsonl")));
  if (!dir) {
    const available = existsSync(dataRoot) ? listDatasets(dataRoot) : [];
    throw new EvalDataError(`no data set "${dataset}" in ${dataRoot} (need corpus.jsonl and questions.dev.jsonl).${available.length ? ` Available: ${available.join(", ")}.` : ""}`);
  }
  if (!existsSync(path.join(dir, "questions.dev.jsonl"))) throw new EvalDataError(`${dir} has no questions.dev.jsonl`);
  return dir;
}

export function listDatasets(dataRoot: string): string[] {
  return ["belebele", "facqa", "idk-mrc", "tydiqa-id"].filter((name) => existsSync(path.join(dataRoot, name, "corpus.jsonl")));
}

export function parseJsonLines<T>(text: string, file: string): T[] {
  const rows: T[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      rows.push(JSON.parse(line) as T);
    } catch (error) {
      throw new EvalDataError(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
  });
  return rows;
}

export function loadDataset(dataRoot: string, dataset: string): Dataset {
  const dir = resolveDatasetDir(dataRoot, dataset);
  const corpusFile = path.join(dir, "corpus.jsonl");
  const corpusBytes = readFileSync(corpusFile);
  const corpus = parseJsonLines<CorpusEntry>(corpusBytes.toString("utf8"), corpusFile);
  const questionsFile = path.join(dir, "questions.dev.jsonl");
  const questions = parseJsonLines<EvalQuestion>(readFileSync(questionsFile, "utf8"), questionsFile);
  for (const question of questions) {
    if (question.lang !== "id" && question.lang !== "en") throw new EvalDataError(`${questionsFile}: question ${question.id} has lang "${String(question.lang)}"; expected "id" or "en"`);
  }
  return { name: path.basename(dir), dir, corpus, questions, corpusHash: createHash("sha256").update(corpusBytes).digest("hex").slice(0, 12) };
}

/** Corpus entries as articles, through the product's own cleaning; rejected entries become problems. */
export function corpusArticles(corpus: readonly CorpusEntry[]): { articles: Article[]; problems: ArticleProblem[] } {
  const articles: Article[] = [];
  const problems: ArticleProblem[] = [];
  for (const entry of corpus) {
    const file = `${entry.id}.txt`;
    try {
      articles.push(articleFromText({ id: entry.id, file, title: "", body: entry.text }));
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error;
      problems.push({ file, message: error.message });
    }
  }
  return { articles, problems };
}

/** One line of news/articles.jsonl (the scale benchmark's input). */
export interface NewsArticle {
  id: string;
  title: string | null;
  source: string | null;
  date: string | null;
  url: string | null;
  text: string;
}

/** The first `count` lines of a JSON Lines file, one parsed row at a time (news/articles.jsonl is 50 MB). */
export async function* jsonLines<T>(file: string, count: number): AsyncGenerator<T> {
  if (!existsSync(file)) throw new EvalDataError(`${file} not found`);
  const stream = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  let rows = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (rows >= count) break;
      if (line.trim() === "") continue;
      let row: T;
      try {
        row = JSON.parse(line) as T;
      } catch (error) {
        throw new EvalDataError(`${file}:${lineNumber}: not valid JSON (${(error as Error).message})`);
      }
      rows++;
      yield row;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** A news article through the product's cleaning, with its metadata; throws ArticleError when rejected. */
export function newsArticle(news: NewsArticle): Article {
  const meta: { source?: string; url?: string } = {};
  if (news.source) meta.source = news.source;
  if (news.url) meta.url = news.url;
  return articleFromText({ id: news.id, file: `${news.id}.txt`, title: news.title ?? "", body: news.text, meta, rawDate: news.date ?? undefined });
}
