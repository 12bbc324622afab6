/** Bumped when the on-disk layout changes; an index of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 5;

export interface ManifestArticle {
  file: string;
  contentHash: string;
  /** hnsw labels of the article's passages, in passage order. */
  labels: number[];
}

export interface ManifestFile {
  bytes: number;
  sha256: string;
}

export interface Manifest {
  formatVersion: number;
  model: { id: string; dimensions: number };
  /** Passage splitting settings; a change re-splits and re-embeds everything. */
  chunking: string;
  builtAt: string;
  nextLabel: number;
  liveVectors: number;
  articles: Record<string, ManifestArticle>;
  /** Size and checksum of every other file in the generation: a mismatch means corruption. */
  files: Record<string, ManifestFile>;
}

export const MANIFEST_FILE = "manifest.json";
export const DOCUMENTS_FILE = "documents.json";
export const TEXTS_FILE = "texts.bin";
export const VECTORS_FILE = "vectors.hnsw";
export const LEXICAL_FILE = "lexical.bin";
