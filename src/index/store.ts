import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import { leasedGenerations } from "./leases.js";
import { fsyncPath, replaceFileAtomically, writeFileDurable } from "../util/durable-fs.js";
import { sha256Bytes, sha256File, sha256FileInWorker } from "../util/sha256.js";
import { LexicalIndex } from "./lexical-index.js";
import { decodeDocuments, encodeDocuments } from "./documents-file.js";
import { DOCUMENTS_FILE, INDEX_FORMAT_VERSION, LEXICAL_FILE, MANIFEST_FILE, TEXTS_FILE, VECTORS_FILE, type Manifest, type ManifestFile } from "./manifest.js";
import { IndexSnapshot, type StoredDocuments } from "./snapshot.js";
import { VectorIndex } from "./vector-index.js";

/**
 * On-disk layout: each refresh writes a complete generation folder, then flips the one-line CURRENT file
 * (write aside, fsync, rename). A crash at any point leaves CURRENT naming a complete generation.
 */
const CURRENT_FILE = "CURRENT";
/** Every file of a generation besides the manifest (which lists their sizes and checksums). */
const INDEX_FILES = [DOCUMENTS_FILE, TEXTS_FILE, VECTORS_FILE, LEXICAL_FILE];
const GENERATION_PREFIX = "gen-";
const TEMP_SUFFIX = ".partial";

export type IndexProblem = "missing" | "corrupt" | "incompatible";

/** The index cannot be used as it is on disk; the engine rebuilds it from the knowledge folder. */
export class IndexUnavailableError extends Error {
  constructor(readonly problem: IndexProblem, message: string) {
    super(message);
  }
}

export interface ExpectedIndex {
  modelId: string;
  dimensions: number;
  chunking: string;
}

/** The generation folder CURRENT names (undefined before the first build). */
export async function currentGeneration(dataDir: string): Promise<string | undefined> {
  try {
    const name = (await fs.readFile(path.join(dataDir, CURRENT_FILE), "utf8")).trim();
    return name === "" ? undefined : name;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Loads the current generation. `expected` may still be pending (the model loading beside it): the files are
 * read, verified and parsed first, then checked against it, so start-up overlaps both. `generation` loads that
 * folder instead of the one CURRENT names (a caller that took a lease on it first).
 */
export async function loadSnapshot(dataDir: string, expected: ExpectedIndex | Promise<ExpectedIndex>, generation?: string): Promise<IndexSnapshot> {
  const current = generation ?? (await currentGeneration(dataDir));
  if (!current) throw new IndexUnavailableError("missing", `no index in ${dataDir} yet`);
  if (!/^gen-[\w-]+$/.test(current)) throw new IndexUnavailableError("corrupt", `${path.join(dataDir, CURRENT_FILE)} names "${current.slice(0, 60)}", which is not an index generation`);
  const dir = path.join(dataDir, current);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), "utf8")) as Manifest;
  } catch (error) {
    throw new IndexUnavailableError("corrupt", `cannot read ${path.join(dir, MANIFEST_FILE)}: ${(error as Error).message}`);
  }
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) throw new IndexUnavailableError("incompatible", `index format ${manifest.formatVersion}, this version reads ${INDEX_FORMAT_VERSION}`);
  const files = manifest.files ?? {};
  for (const name of INDEX_FILES) {
    if (!files[name]) throw new IndexUnavailableError("corrupt", `${path.join(dir, MANIFEST_FILE)} lists no ${name}`);
  }
  // The vectors load (hnswlib reads on its own thread) and are checksummed in a worker, both while the main
  // thread reads, checks and parses the rest; a checksum mismatch still rejects them.
  const vectorsFile = path.join(dir, VECTORS_FILE);
  const vectorsRead = Promise.all([verifyLargeFile(vectorsFile, files[VECTORS_FILE]!), VectorIndex.read(vectorsFile, manifest.model.dimensions, manifest.liveVectors)]).then(([, vectors]) => vectors);
  vectorsRead.catch(() => {}); // awaited below; a failure of the other files first must not leave it unhandled
  // The other files are read once: the checksum is taken from the same bytes that are parsed.
  const [documentsBytes, textsBytes, lexicalBytes] = await Promise.all([DOCUMENTS_FILE, TEXTS_FILE, LEXICAL_FILE].map((name) => readVerified(dir, name, files[name]!)));
  let snapshot: IndexSnapshot;
  try {
    const documents = decodeDocuments(documentsBytes!.toString("utf8"), textsBytes!);
    const lexical = LexicalIndex.deserialize(lexicalBytes!);
    const vectors = await vectorsRead.catch((error: unknown) => {
      throw error instanceof IndexUnavailableError ? error : new Error(`${VECTORS_FILE}: ${(error as Error).message}`);
    });
    snapshot = new IndexSnapshot(manifest, documents, vectors, lexical, current);
  } catch (error) {
    if (error instanceof IndexUnavailableError) throw error;
    throw new IndexUnavailableError("corrupt", `cannot load the index in ${dir}: ${(error as Error).message}`);
  }
  const want = await expected;
  if (manifest.model?.id !== want.modelId || manifest.model.dimensions !== want.dimensions) {
    throw new IndexUnavailableError("incompatible", `index was built with model ${manifest.model?.id} (${manifest.model?.dimensions} dimensions); configured model is ${want.modelId} (${want.dimensions} dimensions)`);
  }
  if (manifest.chunking !== want.chunking) throw new IndexUnavailableError("incompatible", "index was built with other passage settings");
  return snapshot;
}

function checkSize(file: string, actual: number, expected: ManifestFile): void {
  if (actual !== expected.bytes) throw new IndexUnavailableError("corrupt", `${file} has ${actual} bytes, the manifest says ${expected.bytes} (truncated or modified)`);
}

function checkSum(file: string, actual: string, expected: ManifestFile): void {
  if (actual !== expected.sha256) throw new IndexUnavailableError("corrupt", `${file} does not match its checksum (corrupted)`);
}

async function readVerified(dir: string, name: string, expected: ManifestFile): Promise<Buffer> {
  const file = path.join(dir, name);
  const bytes = await fs.readFile(file).catch(() => undefined);
  if (!bytes) throw new IndexUnavailableError("corrupt", `${file} is missing`);
  checkSize(file, bytes.length, expected);
  checkSum(file, sha256Bytes(bytes), expected);
  return bytes;
}

async function verifyLargeFile(file: string, expected: ManifestFile): Promise<void> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) throw new IndexUnavailableError("corrupt", `${file} is missing`);
  checkSize(file, stat.size, expected);
  checkSum(file, await sha256FileInWorker(file), expected);
}

export type WriteStage = "writing" | "swapping";

/** Writes a complete generation and makes it current. Returns the generation's folder name. */
export async function writeGeneration(
  dataDir: string,
  manifest: Omit<Manifest, "files">,
  documents: StoredDocuments,
  vectors: VectorIndex,
  lexical: LexicalIndex,
  onStage: (stage: WriteStage) => Promise<void> = async () => {},
): Promise<string> {
  await fs.mkdir(dataDir, { recursive: true });
  const name = `${GENERATION_PREFIX}${Date.now()}-${randomBytes(3).toString("hex")}`;
  const temp = path.join(dataDir, name + TEMP_SUFFIX);
  await fs.mkdir(temp);
  try {
    await onStage("writing");
    // Written in pieces, as they are encoded: at a full build a single buffer of every text (or of documents.json,
    // or of the postings) would sit on top of everything else at the refresh's peak.
    const { json, texts } = encodeDocuments(documents);
    await writeFileDurable(path.join(temp, DOCUMENTS_FILE), json);
    await writeFileDurable(path.join(temp, TEXTS_FILE), texts);
    await vectors.write(path.join(temp, VECTORS_FILE));
    await fsyncPath(path.join(temp, VECTORS_FILE));
    // hnswlib writes through a C++ stream and reports success even when the disk fills up half-way: the file is
    // silently truncated, and the checksums below would bless it. Walking its structure turns that into an error.
    await VectorIndex.checkFile(path.join(temp, VECTORS_FILE)).catch(async (error: unknown) => {
      const full = (await fs.statfs(temp).catch(() => undefined))?.bavail === 0;
      const problem = new Error(`${VECTORS_FILE} was not written completely${full ? " (no space left on device)" : ""}: ${(error as Error).message}`);
      throw full ? Object.assign(problem, { code: "ENOSPC" }) : problem;
    });
    await writeFileDurable(path.join(temp, LEXICAL_FILE), lexical.serialize());
    const files: Manifest["files"] = {};
    for (const file of INDEX_FILES) {
      const full = path.join(temp, file);
      files[file] = { bytes: (await fs.stat(full)).size, sha256: await sha256File(full) };
    }
    await writeFileDurable(path.join(temp, MANIFEST_FILE), JSON.stringify({ ...manifest, files }, null, 1));
    await fsyncPath(temp);
    await fs.rename(temp, path.join(dataDir, name));
    await fsyncPath(dataDir);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  await onStage("swapping");
  await replaceFileAtomically(path.join(dataDir, CURRENT_FILE), name + "\n");
  return name;
}

/**
 * Deletes generations that are neither current nor leased by a process still serving or loading them (see
 * leases.ts), and partial ones left by an interrupted refresh. Call it holding the index lock: a partial folder
 * is only partial for the refresh that holds it.
 */
export async function pruneGenerations(dataDir: string): Promise<string[]> {
  const current = await currentGeneration(dataDir);
  const leased = await leasedGenerations(dataDir);
  const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
  const deleted: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(GENERATION_PREFIX) || entry === current || leased.has(entry)) continue;
    await fs.rm(path.join(dataDir, entry), { recursive: true, force: true });
    deleted.push(entry);
  }
  return deleted;
}

const LOCK_FILE = "refresh.lock";
/** How old a lock left by a killed process must be before it is taken over. */
const LOCK_STALE_MS = 15_000;

/**
 * Reliability tests kill refreshes on purpose and restart at once; TANYA_TEST_LOCK_STALE_MS shortens the wait for
 * the dead process's lock (proper-lockfile's minimum is 2 s). Never set in production.
 */
function lockTiming(): { stale: number; update: number } {
  const raw = Number(process.env.TANYA_TEST_LOCK_STALE_MS);
  const stale = Number.isFinite(raw) && raw >= 2_000 ? raw : LOCK_STALE_MS;
  return { stale, update: Math.max(1_000, Math.floor(stale / 3)) };
}

/**
 * Serialises refreshes across processes (the bot and `npm run ingest` may share a data folder).
 * A lock left by a killed process goes stale and is taken over. `onCompromised` is called instead of
 * proper-lockfile's default, which throws from a timer and so would crash the process.
 */
export async function withIndexLock<T>(dataDir: string, onCompromised: (error: Error) => void, work: () => Promise<T>): Promise<T> {
  await fs.mkdir(dataDir, { recursive: true });
  const release = await lockfile.lock(dataDir, { ...lockTiming(), onCompromised, retries: { retries: 120, minTimeout: 250, maxTimeout: 1_000 }, lockfilePath: path.join(dataDir, LOCK_FILE) });
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}

/** Runs `work` under the index lock if it is free right now; returns undefined (and skips it) when a refresh holds it. */
export async function ifIndexLockFree<T>(dataDir: string, onCompromised: (error: Error) => void, work: () => Promise<T>): Promise<T | undefined> {
  const release = await lockfile.lock(dataDir, { ...lockTiming(), onCompromised, retries: 0, lockfilePath: path.join(dataDir, LOCK_FILE) }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ELOCKED") return undefined;
    throw error;
  });
  if (!release) return undefined;
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}
