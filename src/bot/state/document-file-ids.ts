import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../../config/logger.js";
import { replaceFileAtomically } from "../../util/durable-fs.js";
import { sha256Bytes } from "../../util/sha256.js";
import { LruCache } from "../lru.js";

/**
 * Telegram file ids of source documents the bot has uploaded or received, so a document is sent again by its
 * file id instead of being uploaded twice. Keyed by the article's file and content hash: a changed document
 * gets a new key (and is uploaded once more), never the old file's id. Implementations never throw: an id that
 * cannot be read or saved only costs one more upload.
 */
export interface DocumentFileIds {
  get(key: string): Promise<string | undefined>;
  set(key: string, fileId: string): Promise<void>;
  /** Forgets an id Telegram no longer accepts. */
  delete(key: string): Promise<void>;
  /** Writes what is pending (shutdown). */
  close(): Promise<void>;
}

/** The key of one version of an article's source document (hashed: paths may be long and hold any character). */
export function documentKey(article: { file: string; contentHash: string }): string {
  return sha256Bytes(Buffer.from(`${article.file}\0${article.contentHash}`)).slice(0, 32);
}

export const DOCUMENT_FILE_IDS_FILE = "document-file-ids.json";
/** A file id is about 80 bytes; this bounds the file (and the Redis keys) to well under a megabyte. */
export const MAX_DOCUMENT_FILE_IDS = 5000;
/** File ids of documents nobody asked for in this long are forgotten (the document is then uploaded again). */
const FILE_ID_TTL_MS = 365 * 24 * 60 * 60 * 1000;

interface StoredFileIds {
  entries: Array<[key: string, fileId: string, expiresAt: number]>;
}

/**
 * One process: an LRU in memory, saved in DATA_DIR as one small JSON file replaced atomically after every
 * change (changes are rare: one per uploaded or first-sent document).
 */
export class LocalDocumentFileIds implements DocumentFileIds {
  private readonly cache: LruCache<string>;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string | undefined,
    private readonly logger: Logger | undefined,
    now: () => number,
  ) {
    this.cache = new LruCache(MAX_DOCUMENT_FILE_IDS, FILE_ID_TTL_MS, now);
  }

  static inMemory(now: () => number = Date.now): LocalDocumentFileIds {
    return new LocalDocumentFileIds(undefined, undefined, now);
  }

  static async open(dataDir: string, logger?: Logger, now: () => number = Date.now): Promise<LocalDocumentFileIds> {
    const file = path.join(dataDir, DOCUMENT_FILE_IDS_FILE);
    const store = new LocalDocumentFileIds(file, logger, now);
    try {
      const stored = JSON.parse(await fs.readFile(file, "utf8")) as StoredFileIds;
      for (const [key, fileId, expiresAt] of stored.entries) {
        if (typeof key === "string" && typeof fileId === "string" && typeof expiresAt === "number") store.cache.set(key, fileId, expiresAt);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") logger?.warn({ file, reason: (error as Error).message }, "document file ids unreadable; source documents will be uploaded again");
    }
    return store;
  }

  async get(key: string): Promise<string | undefined> {
    return this.cache.get(key);
  }

  async set(key: string, fileId: string): Promise<void> {
    this.cache.set(key, fileId);
    this.save();
  }

  async delete(key: string): Promise<void> {
    this.cache.delete(key);
    this.save();
  }

  async close(): Promise<void> {
    await this.writing;
  }

  private save(): void {
    const file = this.file;
    if (!file) return;
    const entries = [...this.cache.live()];
    const text = JSON.stringify({ entries } satisfies StoredFileIds);
    // Writes run one after another, so the last change is the one on disk.
    this.writing = this.writing
      .then(async () => {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await replaceFileAtomically(file, text);
      })
      .catch((error: unknown) => this.logger?.warn({ file, reason: (error as Error).message }, "could not save document file ids"));
  }
}
