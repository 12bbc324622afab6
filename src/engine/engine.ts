import path from "node:path";
import { PROJECT_ROOT, type Settings } from "../config/settings.js";
import type { Logger } from "../config/logger.js";
import type { Answer } from "../answer/answer.js";
import { composeAnswer, DEFAULT_COMPOSE, isFound, type ComposeOptions } from "../answer/compose.js";
import type { Embedder } from "../embedding/embedder.js";
import { TransformersEmbedder } from "../embedding/transformers-embedder.js";
import { chunkingKey, refreshIndex, type RefreshReport, type RefreshStage } from "../index/refresh.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import { GenerationLeases } from "../index/leases.js";
import { currentGeneration, ifIndexLockFree, IndexUnavailableError, loadSnapshot, pruneGenerations, withIndexLock, type ExpectedIndex } from "../index/store.js";
import type { Article } from "../knowledge/article.js";
import { DEFAULT_CHUNKING, type ChunkOptions } from "../passages/chunk.js";
import { articleFilePath, deleteArticleFiles, saveArticleFile, scanKnowledge, type KnowledgeScan, type ReadSettings } from "../knowledge/folder.js";
import type { ExtractProgress } from "../knowledge/formats/index.js";
import { addLinkToKnowledge } from "../knowledge/fetch/save-link.js";
import { recognizePdfPages, shutdownOcr } from "../knowledge/ocr/index.js";
import { Glossary } from "../retrieval/glossary.js";
import { DEFAULT_FUSION, retrieve, type Candidate, type FusionSettings, type RetrievalMode } from "../retrieval/hybrid.js";
import type { Language } from "../retrieval/language.js";
import { analyzeQuery, type AnalyzedQuery } from "../retrieval/query.js";
import { PseudoEnglish } from "../retrieval/pseudo-english.js";
import { Synonyms } from "../retrieval/synonyms.js";
import { refreshFaultHookFromEnv } from "./test-faults.js";

export const GLOSSARY_FILE = "glossary.tsv";
const GENERAL_LEXICON = path.join(PROJECT_ROOT, "src", "retrieval", "lexicon", "en-id.tsv");
const SYNONYMS = path.join(PROJECT_ROOT, "src", "retrieval", "lexicon", "id-synonyms.tsv");

/** The shipped Indonesian synonym list (~0.9 MB), parsed once per process. */
let synonyms: Synonyms | undefined;
function loadSynonyms(): Synonyms {
  synonyms ??= Synonyms.fromFile(SYNONYMS);
  return synonyms;
}

/** The shipped general lexicon (~1 MB, every phrase stemmed), parsed once per process. */
let generalLexicon: Glossary | undefined;
function loadGeneralLexicon(): Glossary {
  generalLexicon ??= Glossary.fromFiles([GENERAL_LEXICON]);
  return generalLexicon;
}

export interface EngineOptions {
  settings: Settings;
  logger: Logger;
  /** Defaults to the configured Transformers.js model. */
  embedder?: Embedder;
  compose?: Partial<ComposeOptions>;
  /**
   * Where articles come from; defaults to reading the knowledge folder. Evaluation and benchmarks pass
   * their corpora here so they go through exactly the same cleaning, splitting, embedding and retrieval.
   */
  scan?: (known: ReadonlyMap<string, Article>, read: ReadSettings) => Promise<KnowledgeScan>;
  /** Passage size settings (defaults in passages/chunk.ts). */
  chunking?: ChunkOptions;
  /** Fusion weights per question language (defaults in retrieval/hybrid.ts). */
  fusion?: Partial<Record<Language, FusionSettings>>;
  /** Embedding progress of the build `open` runs when the index is missing or unusable. */
  onBuildProgress?: RefreshCallbacks["onProgress"];
}

export interface RefreshCallbacks {
  onProgress?: (done: number, total: number) => void;
  /** Pages of a long document read or recognised so far (PDF pages, OCR), for "page 120/300" progress. */
  onExtract?: (file: string, progress: ExtractProgress) => void;
  onStage?: (stage: RefreshStage) => Promise<void>;
}

/**
 * The knowledge folder was changed (an upload saved, an article moved to .trash) but the index refresh that
 * should follow failed, e.g. because the disk holding DATA_DIR is full. The previous index keeps serving; the
 * next successful refresh picks the change up. `files` are the files that were saved or removed.
 */
export class IndexNotUpdatedError extends Error {
  constructor(
    readonly files: string[],
    cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.name = "IndexNotUpdatedError";
  }
}

/** How often a process checks DATA_DIR/CURRENT for a generation another replica (or `npm run ingest`) published. */
const FOLLOW_INTERVAL_MS = 1_000;
/** A published generation that failed to load is tried again after this long (or as soon as CURRENT changes). */
const FAILED_LOAD_RETRY_MS = 30_000;

/** What a loaded index must have been built with to be used with this embedder and these passage settings. */
function expectedIndex(embedder: Embedder, chunking: ChunkOptions, settings: Settings): ExpectedIndex {
  return { modelId: embedder.modelId, dimensions: embedder.dimensions, chunking: chunkingKey(chunking, settings.embedding.pseudoEnglish) };
}

/** Loads a generation under a lease (see index/leases.ts), so no refresh elsewhere deletes it mid-load. */
async function loadLeasedSnapshot(dataDir: string, leases: GenerationLeases, expected: ExpectedIndex | Promise<ExpectedIndex>, generation?: string): Promise<IndexSnapshot> {
  const name = generation ?? (await currentGeneration(dataDir));
  // A CURRENT naming something else is reported by loadSnapshot as corrupt; no lease file is made from it.
  const leased = name !== undefined && /^gen-[\w-]+$/.test(name) ? name : undefined;
  if (leased) await leases.hold(leased);
  try {
    return await loadSnapshot(dataDir, expected, name);
  } catch (error) {
    if (leased) await leases.release(leased);
    throw error;
  }
}

/** What lists of articles show: the citation fields and how many passages the article has. */
export type ArticleSummary = Pick<Article, "id" | "file" | "title" | "source" | "date" | "url"> & { passages: number };

/**
 * The answering engine: knowledge folder → index → hybrid retrieval → quoted answers. Questions are
 * answered from the current snapshot while refreshes (one at a time) build the next one.
 */
export class Engine {
  private snapshot!: IndexSnapshot;
  private glossary: Glossary = Glossary.empty();
  /** Fixed (shipped lexicon only) so stored passage vectors never go stale when admins edit the glossary. */
  private readonly pseudoEnglish = PseudoEnglish.fromGlossary(loadGeneralLexicon());
  private readonly synonyms = loadSynonyms();
  private readonly render = (text: string): string => (this.settings.embedding.pseudoEnglish ? this.pseudoEnglish.render(text) : text);
  private refreshChain: Promise<unknown> = Promise.resolve();
  /** Articles saved by this process since the last refresh's scan, already read (see refresh). */
  private readonly justSaved = new Map<string, Article>();
  private readonly composeOptions: ComposeOptions;
  private fusion: Record<Language, FusionSettings> = { ...DEFAULT_FUSION };
  private chunking: ChunkOptions = DEFAULT_CHUNKING;
  /** Set when opening had to (re)build the index: what that build did. */
  startupReport: RefreshReport | undefined;
  /** Told about every refresh that ran: whether it succeeded and how long it took (metrics). */
  onRefreshed: ((result: { ok: boolean; seconds: number }) => void) | undefined;
  /** Reliability tests only (TANYA_TEST_REFRESH_FAULT, see test-faults.ts); undefined in production. */
  private readonly testFaultHook = refreshFaultHookFromEnv();
  /** True while this process refreshes under the lock: it publishes the next generation itself. */
  private refreshing = false;
  /** The follower's check in progress, if any (close waits for it). */
  private adopting: Promise<unknown> | undefined;
  private failedLoad: { generation: string; at: number } | undefined;
  private followTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly settings: Settings,
    readonly embedder: Embedder,
    private readonly logger: Logger,
    compose: Partial<ComposeOptions> | undefined,
    private readonly scan: (known: ReadonlyMap<string, Article>, read: ReadSettings) => Promise<KnowledgeScan>,
    private readonly leases: GenerationLeases,
  ) {
    this.composeOptions = { ...DEFAULT_COMPOSE, ...compose };
  }

  /** Loads the index, or rebuilds it from the knowledge folder when it is missing, corrupt or from another model. */
  static async open(options: EngineOptions): Promise<Engine> {
    const { settings, logger } = options;
    const chunking = options.chunking ?? DEFAULT_CHUNKING;
    // The model (ONNX session creation) and the index (the vectors load on hnswlib's own thread, the longest
    // part of a large index) load side by side.
    const embedderReady = options.embedder ? Promise.resolve(options.embedder) : TransformersEmbedder.create(settings);
    const expected = embedderReady.then((embedder) => expectedIndex(embedder, chunking, settings));
    // Handled below through embedderReady; without this a failed model load would also surface as unhandled here.
    expected.catch(() => {});
    const leases = new GenerationLeases(settings.dataDir);
    const load = async () => {
      const generation = await currentGeneration(settings.dataDir).catch(() => undefined);
      return loadLeasedSnapshot(settings.dataDir, leases, expected, generation).then(
        (snapshot) => ({ snapshot }),
        (error: unknown) => ({ error, generation }),
      );
    };
    let loaded: { snapshot: IndexSnapshot } | { error: unknown; generation: string | undefined } = await load();
    // Another replica may have published meanwhile (and pruned the generation being read): load the new one.
    if ("error" in loaded && loaded.error instanceof IndexUnavailableError && loaded.error.problem === "corrupt" && (await currentGeneration(settings.dataDir).catch(() => undefined)) !== loaded.generation) {
      loaded = await load();
    }
    // A model that cannot load is the error to report, whatever happened to the index.
    const embedder = await embedderReady.catch(async (error: unknown) => {
      await leases.close();
      throw error;
    });
    const engine = new Engine(settings, embedder, logger, options.compose, options.scan ?? ((known, read) => scanKnowledge(settings.knowledgeDir, known, read)), leases);
    engine.fusion = { ...DEFAULT_FUSION, ...options.fusion };
    engine.chunking = chunking;
    engine.loadGlossary();
    if ("snapshot" in loaded) {
      engine.snapshot = loaded.snapshot;
      logger.info({ generation: engine.snapshot.generation, articles: engine.snapshot.articles.size, passages: engine.snapshot.passagesByLabel.size }, "index loaded");
      engine.followPublished();
      return engine;
    }
    const { error } = loaded;
    if (!(error instanceof IndexUnavailableError)) {
      await leases.close();
      throw error;
    }
    const level = error.problem === "missing" ? "info" : "warn";
    logger[level]({ problem: error.problem, reason: error.message }, `index ${error.problem === "missing" ? "not built yet" : "unusable"}; rebuilding from ${settings.knowledgeDir}`);
    if (loaded.generation) engine.failedLoad = { generation: loaded.generation, at: Date.now() };
    engine.startupReport = await engine.refresh(options.onBuildProgress ? { onProgress: options.onBuildProgress } : {}, `${error.problem}: ${error.message}`);
    engine.followPublished();
    return engine;
  }

  /** Serves `snapshot` from now on and lets go of the lease on the one it replaces. */
  private async useSnapshot(snapshot: IndexSnapshot): Promise<void> {
    const replaced = this.snapshot;
    this.snapshot = snapshot;
    this.loadGlossary();
    if (replaced && replaced.generation !== snapshot.generation) await this.leases.release(replaced.generation);
  }

  /**
   * Switches to the generation CURRENT names when another process published it. The old snapshot serves until the
   * new one is fully loaded; a failed load keeps it (and is retried later). Returns whether it switched.
   */
  private async adoptPublished(): Promise<boolean> {
    const serving = this.snapshot as IndexSnapshot | undefined;
    const published = await currentGeneration(this.settings.dataDir);
    if (!published || published === serving?.generation) return false;
    const failed = this.failedLoad;
    if (failed?.generation === published && Date.now() - failed.at < FAILED_LOAD_RETRY_MS) return false;
    let snapshot: IndexSnapshot;
    try {
      snapshot = await loadLeasedSnapshot(this.settings.dataDir, this.leases, expectedIndex(this.embedder, this.chunking, this.settings), published);
    } catch (error) {
      this.failedLoad = { generation: published, at: Date.now() };
      this.logger.warn({ generation: published, serving: serving?.generation, reason: (error as Error).message }, "could not load the index generation published by another process; still serving the previous one");
      return false;
    }
    this.failedLoad = undefined;
    // This process swapped snapshots itself meanwhile: keep its own.
    if (this.snapshot !== serving) {
      await this.leases.release(published);
      return false;
    }
    await this.useSnapshot(snapshot);
    this.logger.info({ generation: published, previous: serving?.generation, articles: snapshot.articles.size }, "switched to the index generation published by another process");
    return true;
  }

  /** Polls CURRENT (a tiny file; works on shared volumes where change notifications do not cross machines). */
  private followPublished(): void {
    this.followTimer = setInterval(() => {
      if (this.refreshing || this.adopting) return;
      const onCompromised = (error: Error): void => this.logger.warn({ reason: error.message }, "index lock compromised while pruning");
      this.adopting = this.adoptPublished()
        // Old generations this process no longer holds can go now, unless a refresh is under way (it prunes itself).
        .then((switched) => (switched ? ifIndexLockFree(this.settings.dataDir, onCompromised, () => pruneGenerations(this.settings.dataDir)) : undefined))
        .catch((error: unknown) => this.logger.warn({ reason: (error as Error).message }, "checking for a newly published index failed"))
        .finally(() => {
          this.adopting = undefined;
        });
    }, FOLLOW_INTERVAL_MS);
    this.followTimer.unref();
  }

  /** The admins' domain glossary first (its first equivalent is preferred), then the general lexicon. */
  private loadGlossary(): void {
    this.glossary = Glossary.merge(Glossary.fromFiles([path.join(this.settings.knowledgeDir, GLOSSARY_FILE)]), loadGeneralLexicon());
  }

  /** Per-language confidence a question's best candidates must reach to count as answered. */
  get foundThresholds(): Readonly<Record<Language, number>> {
    return this.composeOptions.foundThreshold;
  }

  /** The rule `ask` uses to decide `found`, for callers that rank with `search` (evaluation). */
  isFound(query: AnalyzedQuery, candidates: Candidate[]): boolean {
    return query.text !== "" && isFound(candidates, this.composeOptions.foundThreshold[query.lang]);
  }

  get current(): IndexSnapshot {
    return this.snapshot;
  }

  analyze(question: string, lang?: Language): AnalyzedQuery {
    return analyzeQuery(question, this.snapshot.lexical, this.glossary, lang, this.render, this.synonyms);
  }

  /** Ranked passages for a question; `mode` isolates one retriever (for evaluation). */
  async search(question: string, options: { limit?: number; mode?: RetrievalMode; lang?: Language } = {}): Promise<{ query: AnalyzedQuery; candidates: Candidate[] }> {
    const snapshot = this.snapshot;
    const query = analyzeQuery(question, snapshot.lexical, this.glossary, options.lang, this.render, this.synonyms);
    const candidates = await retrieve(snapshot, this.embedder, query, options.limit ?? 10, options.mode ?? "hybrid", this.fusion[query.lang]);
    return { query, candidates };
  }

  async ask(question: string, options: { lang?: Language } = {}): Promise<Answer> {
    const snapshot = this.snapshot;
    const query = analyzeQuery(question, snapshot.lexical, this.glossary, options.lang, this.render, this.synonyms);
    if (query.text === "") return { question, lang: query.lang, found: false, kind: "none", quotes: [], citations: [], results: [] };
    const candidates = await retrieve(snapshot, this.embedder, query, this.composeOptions.maxResults, "hybrid", this.fusion[query.lang]);
    return composeAnswer(snapshot, query, candidates, this.composeOptions);
  }

  /** How files are read: the PDF page limit, OCR of scanned pages unless OCR=off, extraction progress. */
  private readSettings(onExtract?: RefreshCallbacks["onExtract"]): ReadSettings {
    return { maxPdfPages: this.settings.maxPdfPages, ...(this.settings.ocr ? { recognizePages: recognizePdfPages } : {}), ...(onExtract ? { onProgress: onExtract } : {}) };
  }

  /** Re-reads the knowledge folder and updates the index incrementally. Calls are serialised. */
  refresh(callbacks: RefreshCallbacks = {}, rebuildReason?: string): Promise<RefreshReport> {
    const testHook = this.testFaultHook;
    const onStage = testHook
      ? async (stage: RefreshStage) => {
          await testHook(stage);
          await callbacks.onStage?.(stage);
        }
      : callbacks.onStage;
    // A compromised lock (its folder deleted, or not refreshed within the stale time because the event loop was
    // blocked) must not crash the process: proper-lockfile's default is to throw from a timer. The generation
    // being written stays consistent either way (CURRENT is replaced atomically), so a warning is enough.
    const onLockCompromised = (error: Error): void => this.logger.warn({ reason: error.message }, "refresh lock compromised; continuing (the index swap is atomic)");
    const run = this.refreshChain.then(() =>
      this.observed(() =>
        withIndexLock(this.settings.dataDir, onLockCompromised, async () => {
          this.refreshing = true;
          try {
            return await this.refreshLocked(callbacks, onStage, rebuildReason);
          } finally {
            this.refreshing = false;
          }
        }),
      ),
    );
    this.refreshChain = run.catch(() => {});
    return run;
  }

  private async refreshLocked(callbacks: RefreshCallbacks, onStage: RefreshCallbacks["onStage"], rebuildReason: string | undefined): Promise<RefreshReport> {
    // Another replica may have published since this one last looked: build on its generation rather than redo
    // its work (and when this process was about to rebuild, a generation that loads makes the rebuild unneeded).
    const adopted = await this.adoptPublished();
    if (adopted) rebuildReason = undefined;
    // A full rebuild re-reads every file; otherwise unchanged files are reused from the serving index.
    // Articles just saved by saveArticle/saveUrl were read (extracted, OCR'd) already: the scan reuses them too.
    const known = rebuildReason || !this.snapshot ? new Map<string, Article>() : new Map([...this.snapshot.articles, ...this.justSaved]);
    const scan = await this.scan(known, this.readSettings(callbacks.onExtract));
    this.justSaved.clear();
    const { snapshot, report } = await refreshIndex({
      dataDir: this.settings.dataDir,
      articles: scan.articles,
      problems: scan.problems,
      embedder: this.embedder,
      chunking: this.chunking,
      pseudoEnglish: this.settings.embedding.pseudoEnglish,
      embeddingText: (article, passageText) => this.render(article.title ? `${article.title}. ${passageText}` : passageText),
      previous: rebuildReason ? undefined : this.snapshot,
      ...(rebuildReason ? { rebuildReason } : {}),
      ...(callbacks.onProgress ? { onProgress: callbacks.onProgress } : {}),
      ...(onStage ? { onStage } : {}),
    });
    const built = snapshot !== this.snapshot;
    if (built) {
      await this.leases.hold(snapshot.generation);
      await this.useSnapshot(snapshot);
    } else this.loadGlossary();
    // This process let go of a generation: delete the ones nobody holds any more.
    if (built || adopted) await pruneGenerations(this.settings.dataDir);
    this.logger.info({ added: report.added.length, updated: report.updated.length, removed: report.removed.length, unchanged: report.unchanged, passagesEmbedded: report.passagesEmbedded, problems: report.problems.length, seconds: Number(report.seconds.toFixed(3)) }, "knowledge refreshed");
    return report;
  }

  private async observed<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const report = (ok: boolean): void => this.onRefreshed?.({ ok, seconds: (performance.now() - started) / 1000 });
    try {
      const result = await work();
      report(true);
      return result;
    } catch (error) {
      report(false);
      throw error;
    }
  }

  /**
   * Stores an article file in the knowledge folder without indexing it (validated first; a bad file changes
   * nothing). The next refresh indexes it without reading it again.
   */
  async saveArticle(fileName: string, bytes: Buffer, callbacks: Pick<RefreshCallbacks, "onExtract"> = {}): Promise<{ article: Article; replaced: string[] }> {
    const saved = await saveArticleFile(this.settings.knowledgeDir, fileName, bytes, this.readSettings(callbacks.onExtract));
    this.justSaved.set(saved.article.id, saved.article);
    return saved;
  }

  /** Fetches a link (bounded: see knowledge/fetch) and stores it like `saveArticle`, with its URL for citations. */
  async saveUrl(url: string, callbacks: Pick<RefreshCallbacks, "onExtract"> = {}): Promise<{ article: Article; replaced: string[] }> {
    const saved = await addLinkToKnowledge(this.settings, url, this.readSettings(callbacks.onExtract));
    this.justSaved.set(saved.article.id, saved.article);
    return saved;
  }

  /** Stores an uploaded article and indexes it. */
  async addArticle(fileName: string, bytes: Buffer, callbacks: RefreshCallbacks = {}): Promise<{ article: Article; replaced: string[]; report: RefreshReport }> {
    return this.indexSaved(await this.saveArticle(fileName, bytes, callbacks), callbacks);
  }

  /** Fetches a link, stores it and indexes it. */
  async addUrl(url: string, callbacks: RefreshCallbacks = {}): Promise<{ article: Article; replaced: string[]; report: RefreshReport }> {
    return this.indexSaved(await this.saveUrl(url, callbacks), callbacks);
  }

  private async indexSaved(saved: { article: Article; replaced: string[] }, callbacks: RefreshCallbacks): Promise<{ article: Article; replaced: string[]; report: RefreshReport }> {
    // Saved, but not indexed yet: say so instead of "not added" (the file is there and a later refresh indexes it).
    const report = await this.refresh(callbacks).catch((error: unknown) => {
      throw new IndexNotUpdatedError([saved.article.file], error);
    });
    return { ...saved, report };
  }

  /** Removes an article by id or file name. Returns undefined when there is no such article. */
  async removeArticle(idOrFile: string): Promise<{ files: string[]; report: RefreshReport } | undefined> {
    const files = await deleteArticleFiles(this.settings.knowledgeDir, idOrFile);
    if (files.length === 0) return undefined;
    const report = await this.refresh().catch((error: unknown) => {
      throw new IndexNotUpdatedError(files, error);
    });
    return { files, report };
  }

  articles(): ArticleSummary[] {
    const snapshot = this.snapshot;
    return [...snapshot.articles.values()].map((article) => ({
      id: article.id,
      file: article.file,
      title: article.title,
      source: article.source,
      date: article.date,
      url: article.url,
      passages: snapshot.manifest.articles[article.id]?.labels.length ?? 0,
    }));
  }

  /** An article of the serving index, by id. */
  article(id: string): Article | undefined {
    return this.snapshot.articles.get(id);
  }

  /** Where an article's file is, when it is still a file inside the knowledge folder (see articleFilePath). */
  articlePath(article: Pick<Article, "file">): Promise<string | undefined> {
    return articleFilePath(this.settings.knowledgeDir, article.file);
  }

  /** A passage with the paragraph(s) around it, for "full passage" views. */
  passageContext(passageId: string): { article: Article; text: string } | undefined {
    const snapshot = this.snapshot;
    const stored = snapshot.passagesById.get(passageId);
    if (!stored) return undefined;
    const article = snapshot.articles.get(stored.articleId)!;
    const previousBreak = article.text.lastIndexOf("\n\n", stored.start);
    const start = previousBreak < 0 ? 0 : previousBreak + 2;
    const nextBreak = article.text.indexOf("\n\n", stored.end);
    const end = nextBreak < 0 ? article.text.length : nextBreak;
    return { article, text: article.text.slice(start, end) };
  }

  async close(): Promise<void> {
    clearInterval(this.followTimer);
    await this.adopting;
    await this.refreshChain;
    await this.leases.close();
    await this.embedder.dispose();
    await shutdownOcr();
  }
}
