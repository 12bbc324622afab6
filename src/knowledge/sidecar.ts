import fs from "node:fs/promises";
import path from "node:path";
import { replaceFileAtomically } from "../util/durable-fs.js";
import { ArticleError } from "./parse.js";

/**
 * A fetched page or document `X` has a sidecar `X.source.json`: the address it came from, which its citation
 * links to whatever the page says about itself. Sidecars are not articles; they move to .trash with their file.
 */
export const SIDECAR_SUFFIX = ".source.json";

export interface SourceSidecar {
  /** The address the document was served from (after redirects): what citations link to. */
  url: string;
  /** The link as the admin gave it, when redirects led elsewhere; adding it again finds this file. */
  requestedUrl?: string;
  fetchedAt: string;
}

export async function writeSourceSidecar(dir: string, fileName: string, sidecar: SourceSidecar): Promise<void> {
  await replaceFileAtomically(path.join(dir, fileName + SIDECAR_SUFFIX), `${JSON.stringify(sidecar, null, 2)}\n`);
}

/** The citation URL a sidecar names; a damaged or hand-edited sidecar is a problem an admin can fix. */
export async function readSidecarUrl(file: string): Promise<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, "utf8"));
  } catch (error) {
    throw new ArticleError(`${path.basename(file)} is not valid JSON (${(error as Error).message}).`);
  }
  const url = (parsed as { url?: unknown } | null)?.url;
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) throw new ArticleError(`${path.basename(file)} needs a "url" starting with http:// or https://.`);
  return url;
}

async function readSidecar(file: string): Promise<Partial<SourceSidecar> | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as Partial<SourceSidecar>;
  } catch {
    return undefined; // unreadable or half-edited by hand: it simply matches no link
  }
}

/** The file of the knowledge folder (top level, where links are saved) fetched earlier from any of `urls`. */
export async function findFileFetchedFrom(dir: string, urls: readonly string[]): Promise<string | undefined> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return undefined;
  }
  const wanted = new Set(urls);
  for (const name of names.filter((entry) => entry.endsWith(SIDECAR_SUFFIX)).sort()) {
    const sidecar = await readSidecar(path.join(dir, name));
    const file = name.slice(0, -SIDECAR_SUFFIX.length);
    const matches = (sidecar?.url && wanted.has(sidecar.url)) || (sidecar?.requestedUrl && wanted.has(sidecar.requestedUrl));
    if (matches && names.includes(file)) return file;
  }
  return undefined;
}
