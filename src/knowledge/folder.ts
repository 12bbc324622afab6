import type { Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { DEFAULT_MAX_PDF_PAGES } from "../config/settings.js";
import { writeFileDurable } from "../util/durable-fs.js";
import type { Article, ArticleProblem } from "./article.js";
import { isSupportedFileName, SUPPORTED_EXTENSIONS, unsupportedTypeMessage, type ExtractProgress, type PageRecognizer } from "./formats/index.js";
import { ArticleError, articleIdFromFileName, readArticle, type ReadOptions } from "./parse.js";
import { readSidecarUrl, SIDECAR_SUFFIX, writeSourceSidecar, type SourceSidecar } from "./sidecar.js";

export interface KnowledgeScan {
  articles: Article[];
  problems: ArticleProblem[];
}

/** How files are read: the PDF page limit, OCR when it is on, progress of long extractions. */
export interface ReadSettings {
  maxPdfPages: number;
  recognizePages?: PageRecognizer;
  onProgress?: (file: string, progress: ExtractProgress) => void;
}

const DEFAULT_READ: ReadSettings = { maxPdfPages: DEFAULT_MAX_PDF_PAGES };

function isArticleFile(name: string): boolean {
  return !path.basename(name).startsWith(".") && isSupportedFileName(name) && !name.endsWith(SIDECAR_SUFFIX);
}

/**
 * Every file under the knowledge folder as a "/"-separated relative path, sorted. Dot-files and dot-folders
 * (.trash, uploads being written) are skipped; only entries the folder really holds are listed, so no path
 * from outside can reach another folder.
 */
async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  await walk("");
  return files.sort();
}

/** Files stat'ed at once while scanning. */
const STAT_BATCH = 256;

/** What tells an unchanged file (and sidecar) from a changed one without reading it. */
function articleFileStat(stat: Stats, sidecarStat: Stats | undefined): NonNullable<Article["fileStat"]> {
  // Millisecond precision, as tools that copy or restore files keep (sub-millisecond parts are not portable).
  return { size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), ...(sidecarStat ? { sidecarMtimeMs: Math.floor(sidecarStat.mtimeMs) } : {}) };
}

/** How one file is read, with progress reported under its name. */
function readOptions(settings: ReadSettings, name: string): ReadOptions {
  return {
    maxPages: settings.maxPdfPages,
    ...(settings.recognizePages ? { recognizePages: settings.recognizePages } : {}),
    onProgress: (progress) => settings.onProgress?.(name, progress),
  };
}

async function readFileArticle(dir: string, name: string, sidecar: boolean, settings: ReadSettings): Promise<Article> {
  const article = await readArticle(name, await fs.readFile(path.join(dir, name)), readOptions(settings, name));
  // The address a file was fetched from is where its citation links, whatever the page says about itself.
  return sidecar ? { ...article, url: await readSidecarUrl(path.join(dir, name + SIDECAR_SUFFIX)) } : article;
}

/**
 * Reads every article file of the knowledge folder and its subfolders; a bad file becomes a problem, never an
 * exception. `known` articles (from the index) whose file (and sidecar) still has the same size and modification
 * time are reused without reading the file, so a refresh with nothing changed costs one stat per file.
 */
export async function scanKnowledge(dir: string, known: ReadonlyMap<string, Article> = new Map(), settings: ReadSettings = DEFAULT_READ): Promise<KnowledgeScan> {
  const byFile = new Map([...known.values()].map((article) => [article.file, article]));
  const all = await listFiles(dir);
  const sidecars = new Set(all.filter((name) => name.endsWith(SIDECAR_SUFFIX)));
  const names = all.filter(isArticleFile);
  const articles: Article[] = [];
  const problems: ArticleProblem[] = [];
  const seen = new Map<string, string>();
  // Stats in parallel batches: one by one, the event loop round trips alone took ~1.5 s for 24k files.
  const stats = new Map<string, Promise<[Stats, Stats | undefined]>>();
  const statBatch = (from: number) =>
    names.slice(from, from + STAT_BATCH).forEach((name) => {
      const sidecar = sidecars.has(name + SIDECAR_SUFFIX) ? fs.stat(path.join(dir, name + SIDECAR_SUFFIX)) : Promise.resolve(undefined);
      const stat = Promise.all([fs.stat(path.join(dir, name)), sidecar]);
      stat.catch(() => {}); // a file deleted meanwhile is reported when its turn comes, below
      stats.set(name, stat);
    });
  for (const [i, name] of names.entries()) {
    if (i % STAT_BATCH === 0) statBatch(i);
    try {
      const [stat, sidecarStat] = await stats.get(name)!;
      stats.delete(name);
      const fileStat = articleFileStat(stat, sidecarStat);
      const previous = byFile.get(name)?.fileStat;
      const unchanged = previous && previous.size === fileStat.size && previous.mtimeMs === fileStat.mtimeMs && previous.sidecarMtimeMs === fileStat.sidecarMtimeMs;
      const article = unchanged ? byFile.get(name)! : { ...(await readFileArticle(dir, name, sidecarStat !== undefined, settings)), fileStat };
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
  if (extension === ".doc") throw new ArticleError(unsupportedTypeMessage(base.slice(0, 80)));
  if (!isSupportedFileName(base)) throw new ArticleError(`"${base.slice(0, 80)}" is not a supported article type. Use ${SUPPORTED_EXTENSIONS.join(", ")}.`);
  const id = articleIdFromFileName(base);
  if (id === "") throw new ArticleError(`"${base.slice(0, 80)}": the file name needs at least one letter or digit.`);
  return `${id}${extension === ".htm" ? ".html" : extension === ".markdown" ? ".md" : extension}`;
}

/**
 * The absolute path of an article file given its relative path, only when it is a regular file really inside the
 * knowledge folder and outside its dot-folders (.trash): ".." and symbolic links are resolved first, so neither an
 * index entry nor a link placed in the folder can make the bot read, and send, a file from elsewhere.
 */
export async function articleFilePath(dir: string, file: string): Promise<string | undefined> {
  try {
    const root = await fs.realpath(dir);
    const real = await fs.realpath(path.resolve(root, file));
    const relative = path.relative(root, real);
    if (relative === "" || path.isAbsolute(relative) || relative.split(path.sep).some((part) => part.startsWith("."))) return undefined;
    return (await fs.stat(real)).isFile() ? real : undefined;
  } catch (error) {
    if (["ENOENT", "ENOTDIR", "ELOOP"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}

/** Removed and replaced article files are kept here (the scan skips dot-folders), so no edit loses text. */
export const TRASH_DIR = ".trash";

/** Moves (or copies) a file, given by its relative path, into the trash; its sidecar goes with a moved file. */
async function moveToTrash(dir: string, name: string, keepOriginal = false): Promise<void> {
  const trash = path.join(dir, TRASH_DIR);
  await fs.mkdir(trash, { recursive: true });
  const target = path.join(trash, `${new Date().toISOString().replace(/[:.]/g, "-")}--${name.replace(/\//g, "__")}`);
  if (keepOriginal) {
    await fs.copyFile(path.join(dir, name), target);
    return;
  }
  await fs.rename(path.join(dir, name), target);
  await fs.rename(path.join(dir, name + SIDECAR_SUFFIX), target + SIDECAR_SUFFIX).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/**
 * Validates and stores an article file atomically. Returns the parsed article and whether it replaced one.
 * A fetched document's `source` sidecar is written before the file appears, so no refresh (a watcher's included)
 * can index the file without the URL its citations link to.
 */
export async function saveArticleFile(dir: string, requestedName: string, bytes: Buffer, settings: ReadSettings = DEFAULT_READ, source?: SourceSidecar): Promise<{ article: Article; replaced: string[] }> {
  const fileName = safeArticleFileName(requestedName);
  const parsed = await readArticle(fileName, bytes, readOptions(settings, fileName));
  const article = source ? { ...parsed, url: source.url } : parsed;
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
  if (source) await writeSourceSidecar(dir, fileName, source);
  await fs.rename(temp, path.join(dir, fileName));
  for (const old of replaced) if (old !== fileName) await moveToTrash(dir, old);
  // With its file's stat, the refresh that follows reuses this article instead of extracting (and OCR-ing) it again.
  const [stat, sidecarStat] = await Promise.all([fs.stat(path.join(dir, fileName)), source ? fs.stat(path.join(dir, fileName + SIDECAR_SUFFIX)) : undefined]);
  return { article: { ...article, fileStat: articleFileStat(stat, sidecarStat) }, replaced };
}

/**
 * Moves the file(s) of an article, with their sidecars, to the trash folder given its id ("regulasi/perpres-95")
 * or relative file name. Returns the moved files' relative paths.
 */
export async function deleteArticleFiles(dir: string, idOrName: string): Promise<string[]> {
  const id = articleIdFromFileName(path.extname(idOrName) !== "" ? idOrName : `${idOrName}.txt`);
  if (id === "") return [];
  const names = (await listFiles(dir)).filter((name) => isArticleFile(name) && articleIdFromFileName(name) === id);
  for (const name of names) await moveToTrash(dir, name);
  return names;
}
