import type { DocumentFileIds } from "./document-file-ids.js";
import type { RedisConnection } from "./redis-connection.js";

const PREFIX = "tanya:docfile:";
/** Refreshed on every use; a document nobody asks for in a year is uploaded again when it is next asked for. */
const TTL_SECONDS = 365 * 24 * 60 * 60;
export const DOCUMENT_FILE_IDS_DEGRADED = "source documents are uploaded again instead of being resent by file id";

/** Document file ids shared by replicas: one Redis key per document version, expiring when unused. */
export class RedisDocumentFileIds implements DocumentFileIds {
  constructor(private readonly connection: RedisConnection) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.connection.redis.getex(PREFIX + key, "EX", TTL_SECONDS)) ?? undefined;
    } catch (error) {
      this.connection.health.failed(DOCUMENT_FILE_IDS_DEGRADED, error);
      return undefined;
    }
  }

  async set(key: string, fileId: string): Promise<void> {
    try {
      await this.connection.redis.set(PREFIX + key, fileId, "EX", TTL_SECONDS);
    } catch (error) {
      this.connection.health.failed(DOCUMENT_FILE_IDS_DEGRADED, error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.connection.redis.del(PREFIX + key);
    } catch (error) {
      this.connection.health.failed(DOCUMENT_FILE_IDS_DEGRADED, error);
    }
  }

  async close(): Promise<void> {}
}
