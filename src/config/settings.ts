import path from "node:path";
import { fileURLToPath } from "node:url";
import dotenv from "dotenv";

/** Project root, so paths work the same from `npm run`, tests and a globally installed copy. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type EmbeddingDtype = "fp32" | "q8";

export interface Settings {
  knowledgeDir: string;
  /** PDFs with more pages are refused (MAX_PDF_PAGES). */
  maxPdfPages: number;
  dataDir: string;
  modelsDir: string;
  /** Refresh the index when files in knowledgeDir change (WATCH, default true). */
  watchKnowledge: boolean;
  embedding: {
    /** A folder under modelsDir, an absolute folder, or a hub id such as Xenova/multilingual-e5-small. */
    model: string;
    dtype: EmbeddingDtype;
    queryPrefix: string;
    passagePrefix: string;
    /** Embed Indonesian text as its pseudo-English rendering (for English-only models). */
    pseudoEnglish: boolean;
    allowRemote: boolean;
  };
  telegram: {
    token: string | undefined;
    apiRoot: string | undefined;
    adminUserIds: Set<number>;
    allowedChatIds: Set<number> | undefined;
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
    webhookPort: number;
    maxUploadBytes: number;
  };
  logLevel: string;
  /** Shared state for several replicas (buttons, rate limits, statistics, update de-duplication); unset: one process. */
  redisUrl: string | undefined;
  /** Long-polling mode: port of /metrics, /healthz and /readyz (webhook mode serves them on PORT). */
  metricsPort: number | undefined;
  /** ALLOW_PRIVATE_URLS: links may point at private and loopback addresses (intranet deployments, tests). */
  allowPrivateUrls: boolean;
  /** OCR (on/off): scanned PDF pages are recognised offline (tesseract.js with packaged language data). */
  ocr: boolean;
}

export const BUNDLED_MODEL = "all-MiniLM-L6-v2";
export const DEFAULT_MAX_PDF_PAGES = 2000;

let loaded = false;
/** Reads `.env` once; real environment variables win over the file. */
export function loadDotenv(): void {
  if (loaded) return;
  loaded = true;
  dotenv.config({ path: path.join(PROJECT_ROOT, ".env"), quiet: true });
}

function idSet(raw: string | undefined, name: string): Set<number> | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const ids = raw.split(/[\s,]+/).filter(Boolean).map((part) => {
    const id = Number(part);
    if (!Number.isSafeInteger(id)) throw new Error(`${name} must be a comma-separated list of numeric Telegram ids; got "${part}"`);
    return id;
  });
  return new Set(ids);
}

function resolveDir(value: string | undefined, fallback: string): string {
  return path.resolve(PROJECT_ROOT, value && value.trim() !== "" ? value : fallback);
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number; got "${raw}"`);
  return value;
}

function onOff(raw: string | undefined, fallback: boolean, name: string): boolean {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === "") return fallback;
  if (value === "on" || value === "true") return true;
  if (value === "off" || value === "false") return false;
  throw new Error(`${name} must be "on" or "off"; got "${raw}"`);
}

/** Settings from the environment (after `.env`); `overrides` lets tests and tools point at other folders. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Pick<Settings, "knowledgeDir" | "dataDir">> = {}): Settings {
  if (env === process.env) loadDotenv();
  const model = env.EMBEDDING_MODEL?.trim() || BUNDLED_MODEL;
  const isE5 = /e5/i.test(model);
  const dtype = (env.EMBEDDING_DTYPE?.trim() || "q8") as EmbeddingDtype;
  if (dtype !== "q8" && dtype !== "fp32") throw new Error(`EMBEDDING_DTYPE must be "q8" or "fp32"; got "${dtype}"`);
  return {
    knowledgeDir: overrides.knowledgeDir ?? resolveDir(env.KNOWLEDGE_DIR, "knowledge"),
    maxPdfPages: positiveInt(env.MAX_PDF_PAGES, DEFAULT_MAX_PDF_PAGES, "MAX_PDF_PAGES"),
    dataDir: overrides.dataDir ?? resolveDir(env.DATA_DIR, "data"),
    modelsDir: resolveDir(env.MODELS_DIR, "models"),
    watchKnowledge: env.WATCH?.trim().toLowerCase() !== "false",
    embedding: {
      model,
      dtype,
      // E5-family models were trained with these prefixes; MiniLM was not.
      queryPrefix: env.EMBEDDING_QUERY_PREFIX || (isE5 ? "query: " : ""),
      passagePrefix: env.EMBEDDING_PASSAGE_PREFIX || (isE5 ? "passage: " : ""),
      // An English-only model reads Indonesian through a word-by-word English rendering; a multilingual one reads it as is.
      pseudoEnglish: env.EMBEDDING_PSEUDO_ENGLISH ? env.EMBEDDING_PSEUDO_ENGLISH === "true" : model === BUNDLED_MODEL,
      allowRemote: env.ALLOW_REMOTE_MODELS === "true",
    },
    telegram: {
      token: env.TELEGRAM_BOT_TOKEN?.trim() || undefined,
      apiRoot: env.TELEGRAM_API_ROOT?.trim().replace(/\/+$/, "") || undefined,
      adminUserIds: idSet(env.ADMIN_USER_IDS, "ADMIN_USER_IDS") ?? new Set(),
      allowedChatIds: idSet(env.ALLOWED_CHAT_IDS, "ALLOWED_CHAT_IDS"),
      webhookUrl: env.WEBHOOK_URL?.trim() || undefined,
      webhookSecret: env.WEBHOOK_SECRET?.trim() || undefined,
      webhookPort: positiveInt(env.PORT, 8080, "PORT"),
      // Telegram's own limit for files a bot downloads (getFile), so any document Telegram hands over is accepted.
      maxUploadBytes: positiveInt(env.MAX_UPLOAD_BYTES, 20 * 1024 * 1024, "MAX_UPLOAD_BYTES"),
    },
    logLevel: env.LOG_LEVEL?.trim() || "info",
    redisUrl: env.REDIS_URL?.trim() || undefined,
    metricsPort: env.METRICS_PORT?.trim() ? positiveInt(env.METRICS_PORT, 9464, "METRICS_PORT") : undefined,
    allowPrivateUrls: env.ALLOW_PRIVATE_URLS?.trim() === "true",
    ocr: onOff(env.OCR, true, "OCR"),
  };
}
