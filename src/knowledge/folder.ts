import type { Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { writeFileDurable } from "../util/durable-fs.js";
import { SUPPORTED_EXTENSIONS, type Article, type ArticleProblem } from "./article.js";
import { ArticleError, articleIdFromFileName, parseArticle } from "./parse.js";

export interface KnowledgeScan {
  articles: Article[];
  problems: ArticleProblem[];
}

function isArticleFile(name: string): boolean {
  return !name.startsWith(".") && (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}

/** Files stat'ed at once while scanning. */
const STAT_BATCH = 256;

/**
 * Reads every article file of the knowledge folder; a bad file becomes a problem, never an exception.
 * `known` articles (from the index) whose file still has the same size and modification time are reused
 * without reading the file, so a refresh with nothing changed costs one stat per file.
 */
export async function scanKnowledge(dir: string, known: ReadonlyMap<string, Article> = new Map()): Promise<KnowledgeScan> {
  const byFile = new Map([...known.values()].map((article) => [article.file, article]));
  const names = (await fs.readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && isArticleFile(entry.name)).map((entry) => entry.name).sort();
  const articles: Article[] = [];
  const problems: ArticleProblem[] = [];
  const seen = new Map<string, string>();
  // Stats in parallel batches: one by one, the event loop round trips alone took ~1.5 s for 24k files.
  const stats = new Map<string, Promise<Stats>>();
  const statBatch = (from: number) =>
    names.slice(from, from + STAT_BATCH).forEach((name) => {
      const stat = fs.stat(path.join(dir, name));
      stat.catch(() => {}); // a file deleted meanwhile is reported when its turn comes, below
      stats.set(name, stat);
    });
  for (const [i, name] of names.entries()) {
    if (i % STAT_BATCH === 0) statBatch(i);
    try {
      const stat = await stats.get(name)!;
      stats.delete(name);
      // Millisecond precision, as tools that copy or restore files keep (sub-millisecond parts are not portable).
      const fileStat = { size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) };
      const previous = byFile.get(name);
      const unchanged = previous?.fileStat && previous.fileStat.size === fileStat.size && previous.fileStat.mtimeMs === fileStat.mtimeMs;
      const article = unchanged ? previous : { ...parseArticle(name, await fs.readFile(path.join(dir, name))), fileStat };
      const clash = seen.get(article.id);
      if (clash) {
        problems.push({ file: name, message: `${name} and ${clash} would both be article "${article.id}"; rename one of them.` });
        continue;
      }
      seen.set(article.id, name);
      articles.push(article);
    } catch (error) {
      problems.push({ file: name, message: error instanceof ArticleError ? error.message : `${name}: ${(error as Error).message}` });
    }
  }
  return { articles, problems };
}

/**
 * A safe file name for an uploaded article: no folders, no dot-files, no control characters, bounded length.
 * Path tricks ("../../x.txt", "/etc/passwd", NUL bytes) reduce to a plain name inside the knowledge folder.
 */
export function safeArticleFileName(requested: string): string {
  const base = requested.replace(/\0/g, "").split(/[\\/]/).pop() ?? "";
  const extension = path.extname(base).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new ArticleError(`"${base.slice(0, 80)}" is not a supported article type. Use ${SUPPORTED_EXTENSIONS.join(", ")}.`);
  }
  const id = articleIdFromFileName(base);
  if (id === "") throw new ArticleError(`"${base.slice(0, 80)}": the file name needs at least one letter or digit.`);
  return `${id}${extension === ".htm" ? ".html" : extension === ".markdown" ? ".md" : extension}`;
}

/** Removed and replaced article files are kept here (the scan skips dot-folders), so no edit loses text. */
export const TRASH_DIR = ".trash";

async function moveToTrash(dir: string, name: string, keepOriginal = false): Promise<void> {
  const trash = path.join(dir, TRASH_DIR);
  await fs.mkdir(trash, { recursive: true });
  const target = path.join(trash, `${new Date().toISOString().replace(/[:.]/g, "-")}--${name}`);
  if (keepOriginal) await fs.copyFile(path.join(dir, name), target);
  else await fs.rename(path.join(dir, name), target);
}

/** Validates and stores an article file atomically. Returns the parsed article and whether it replaced one. */
export async function saveArticleFile(dir: string, requestedName: string, bytes: Buffer): Promise<{ article: Article; replaced: string[] }> {
  const fileName = safeArticleFileName(requestedName);
  const article = parseArticle(fileName, bytes);
  await fs.mkdir(dir, { recursive: true });
  // Other files that map to the same article id (e.g. an older .md of a new .txt) are replaced by this one.
  const replaced = (await fs.readdir(dir)).filter((name) => isArticleFile(name) && articleIdFromFileName(name) === article.id);
  const temp = path.join(dir, `.${fileName}.${process.pid}.upload`);
  // On disk before the rename, so a crash cannot leave an empty file under the article's name.
  await writeFileDurable(temp, bytes);
  // Order matters if the process dies half-way: the new file lands first and only then are older files of the
  // same article (another extension) moved to .trash, so the folder always holds the article. (The reverse order
  // left a window in which neither file was there and the next refresh dropped the article from the index.) The
  // file being overwritten is copied (not moved) to .trash for the same reason.
  if (replaced.includes(fileName)) await moveToTrash(dir, fileName, true);
  await fs.rename(temp, path.join(dir, fileName));
  for (const old of replaced) if (old !== fileName) await moveToTrash(dir, old);
  return { article, replaced };
}

/** Moves the file(s) of an article to the trash folder given its id or file name. Returns the moved file names. */
export async function deleteArticleFiles(dir: string, idOrName: string): Promise<string[]> {
  const id = articleIdFromFileName(idOrName.includes(".") ? idOrName : `${idOrName}.txt`);
  if (id === "") return [];
  const names = (await fs.readdir(dir)).filter((name) => isArticleFile(name) && articleIdFromFileName(name) === id);
  for (const name of names) await moveToTrash(dir, name);
  return names;
}
