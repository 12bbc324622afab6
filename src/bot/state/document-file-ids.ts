import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../../config/logger.js";
import { sha256Bytes } from "../../util/sha256.js";
import { CoalescedWriter, readStateFile } from "../json-state-file.js";
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

/** Accepts only well-formed entries; anything else in the file is dropped. */
function sanitise(raw: unknown): StoredFileIds {
  const entries = (raw as Partial<StoredFileIds> | null)?.entries;
  if (!Array.isArray(entries)) throw new Error("no entries list");
  return { entries: entries.filter((entry): entry is StoredFileIds["entries"][number] => Array.isArray(entry) && typeof entry[0] === "string" && typeof entry[1] === "string" && typeof entry[2] === "number") };
}

/**
 * One process: an LRU in memory, saved in DATA_DIR as one small JSON file like the other bot state files
 * (json-state-file.ts: written atomically, a damaged file moved aside). Changes are rare: one per uploaded or
 * first-sent document, so each is written at once.
 */
export class LocalDocumentFileIds implements DocumentFileIds {
  private readonly cache: LruCache<string>;
  private readonly writer: CoalescedWriter;

  private constructor(file: string | undefined, logger: Logger | undefined, now: () => number) {
    this.cache = new LruCache(MAX_DOCUMENT_FILE_IDS, FILE_ID_TTL_MS, now);
    this.writer = new CoalescedWriter(file, () => JSON.stringify({ entries: [...this.cache.live()] } satisfies StoredFileIds), logger, 0, "document file ids");
  }

  static inMemory(now: () => number = Date.now): LocalDocumentFileIds {
    return new LocalDocumentFileIds(undefined, undefined, now);
  }

  static async open(dataDir: string, logger?: Logger, now: () => number = Date.now): Promise<LocalDocumentFileIds> {
    const file = path.join(dataDir, DOCUMENT_FILE_IDS_FILE);
    const stored = await readStateFile(file, sanitise, logger, "document file ids");
    await fs.mkdir(dataDir, { recursive: true });
    const store = new LocalDocumentFileIds(file, logger, now);
    for (const [key, fileId, expiresAt] of stored?.entries ?? []) store.cache.set(key, fileId, expiresAt);
    return store;
  }

  async get(key: string): Promise<string | undefined> {
    return this.cache.get(key);
  }

  async set(key: string, fileId: string): Promise<void> {
    this.cache.set(key, fileId);
    this.writer.changed();
  }

  async delete(key: string): Promise<void> {
    this.cache.delete(key);
    this.writer.changed();
  }

  close(): Promise<void> {
    return this.writer.flush();
  }
}
