import fs from "node:fs/promises";
import path from "node:path";
import type { Article } from "../article.js";
import { saveArticleFile, type ReadSettings } from "../folder.js";
import { articleIdFromFileName } from "../parse.js";
import type { Settings } from "../../config/settings.js";
import { fetchDocument, type FetchedDocument } from "./fetch-document.js";
import { findFileFetchedFrom } from "../sidecar.js";

export interface SavedLink {
  article: Article;
  /** The file name the document was saved under. */
  file: string;
  /** Files it replaced (moved to .trash). */
  replaced: string[];
}

/**
 * The file name a fetched document gets: the file fetched earlier from the same link keeps its name (with the
 * new type's extension), so adding a link again replaces it; otherwise the URL's slug, numbered when another
 * article already uses that name.
 */
async function targetFileName(dir: string, requestedUrl: string, fetched: FetchedDocument): Promise<string> {
  const extension = path.extname(fetched.suggestedFileName);
  const earlier = await findFileFetchedFrom(dir, [requestedUrl, fetched.finalUrl]);
  if (earlier) return `${path.basename(earlier, path.extname(earlier))}${extension}`;
  const taken = new Set((await fs.readdir(dir).catch(() => [] as string[])).map((name) => articleIdFromFileName(name)));
  const base = path.basename(fetched.suggestedFileName, extension);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(articleIdFromFileName(`${candidate}${extension}`))) return `${candidate}${extension}`;
  }
}

/**
 * Stores a fetched document in the knowledge folder (validated first: a document that cannot become an article
 * changes nothing) with its `X.source.json` sidecar naming the URL its citations link to.
 */
export async function saveFetchedDocument(dir: string, requestedUrl: string, fetched: FetchedDocument, settings?: ReadSettings): Promise<SavedLink> {
  const fileName = await targetFileName(dir, requestedUrl, fetched);
  const source = { url: fetched.finalUrl, ...(fetched.finalUrl !== requestedUrl ? { requestedUrl } : {}), fetchedAt: new Date().toISOString() };
  // A replaced file of another type (page.html → page.pdf) goes to .trash with its sidecar.
  const { article, replaced } = await saveArticleFile(dir, fileName, fetched.bytes, settings, source);
  return { article, file: article.file, replaced };
}

/** Fetches a link within the configured limits (MAX_UPLOAD_BYTES, ALLOW_PRIVATE_URLS) and saves it. */
export async function addLinkToKnowledge(settings: Pick<Settings, "knowledgeDir" | "allowPrivateUrls"> & { telegram: Pick<Settings["telegram"], "maxUploadBytes"> }, url: string, read?: ReadSettings): Promise<SavedLink> {
  const fetched = await fetchDocument(url, { maxBytes: settings.telegram.maxUploadBytes, allowPrivate: settings.allowPrivateUrls });
  return saveFetchedDocument(settings.knowledgeDir, url, fetched, read);
}
