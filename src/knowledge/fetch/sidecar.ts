import fs from "node:fs/promises";
import path from "node:path";
import { replaceFileAtomically } from "../../util/durable-fs.js";

/** `X.source.json` beside a fetched file `X`: where it came from; the knowledge scan puts `url` in citations. */
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
