import dns from "node:dns";
import type { LookupFunction } from "node:net";
import path from "node:path";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import { Agent, request } from "undici";
import { ArticleError, articleIdFromFileName } from "../parse.js";
import { checkAddress, checkHostname, ipLiteral } from "./address-policy.js";
import { extensionForMediaType, parseContentType, sniffMediaType, SUPPORTED_MEDIA_TYPES, toUtf8 } from "./media-types.js";

export interface FetchOptions {
  /** Largest body accepted; reading stops as soon as it is exceeded (MAX_UPLOAD_BYTES). */
  maxBytes: number;
  /** ALLOW_PRIVATE_URLS: intranet deployments and tests may reach private and loopback addresses. */
  allowPrivate: boolean;
  /** For the whole fetch, every redirect and the body included. */
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface FetchedDocument {
  bytes: Buffer;
  /** e.g. "text/html" (text types re-encoded as UTF-8). */
  mediaType: string;
  /** The URL the document finally came from, after redirects. */
  finalUrl: string;
  /** A knowledge-folder file name: a bounded slug of the URL (or of the server's file name) plus the type's extension. */
  suggestedFileName: string;
}

/** A link that cannot be added, with a short reason an admin can act on. */
export class FetchError extends ArticleError {}

export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_SLUG_LENGTH = 60;

/** Marks a connection refused by the address policy, so it is reported as such and not as a network error. */
class RefusedAddressError extends Error {}

/**
 * A DNS lookup for the socket itself: every address the name resolves to is checked, and the socket connects to
 * exactly the address that was checked. (Checking first and fetching afterwards would resolve twice, and a
 * hostile DNS server can answer differently the second time.)
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const refusedHost = checkHostname(hostname);
    if (refusedHost) return callback(new RefusedAddressError(refusedHost), "", 0);
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.map((entry) => checkAddress(entry.address, allowPrivate)).find((reason) => reason !== undefined);
      if (refused) return callback(new RefusedAddressError(`${hostname} resolves to ${refused}`), "", 0);
      if (options.all) return (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new Error(`${hostname} has no address`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

function refusedInChain(error: unknown): RefusedAddressError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof RefusedAddressError) return current;
  }
  return undefined;
}

/** Scheme and literal-address checks that need no network (a literal IP is never looked up by the socket). */
function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError(`"${raw.slice(0, 100)}" is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchError(`${url.protocol.replace(/:$/, "")}: links are not supported; use an http(s) link.`);
  if (url.username || url.password) throw new FetchError("Links with a user name or password are not supported.");
  const literal = ipLiteral(url.hostname);
  const refused = literal ? checkAddress(literal, allowPrivate) : checkHostname(url.hostname);
  if (refused) throw new FetchError(`Refused: ${refused}.`);
  return url;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Stops reading a body (the connection is dropped); undici reports that as an error nobody needs to hear. */
function abandon(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

const DECOMPRESSORS: Readonly<Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress>> = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/**
 * Reads a body up to `maxBytes`, destroying the stream the moment the limit is passed. No compression is asked
 * for, but some servers compress anyway: such a body is decompressed and the limit applies to what comes out,
 * so a small compressed bomb cannot expand past it.
 */
async function readLimited(body: Readable, maxBytes: number, contentEncoding: string | undefined): Promise<Buffer> {
  const encoding = contentEncoding?.trim().toLowerCase() || "identity";
  const decompress = DECOMPRESSORS[encoding];
  if (!decompress && encoding !== "identity") {
    abandon(body);
    throw new FetchError(`The server sent the document in an unsupported encoding (${encoding}).`);
  }
  // pipeline, not pipe: a body that fails (reset, deadline) must fail the decompressor too, or reading would hang.
  const stream = decompress ? pipeline(body, decompress(), () => {}) : body;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new FetchError(`The document is larger than the limit of ${megabytes(maxBytes)}.`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    abandon(body);
    if (stream !== body) stream.destroy();
    if (error instanceof FetchError) throw error;
    if ((error as { code?: string }).code?.startsWith("Z_")) throw new FetchError(`The server sent a damaged ${encoding} body.`);
    throw error;
  }
  return Buffer.concat(chunks);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `attachment; filename="Perpres 95.pdf"` → "Perpres 95.pdf". */
function dispositionFileName(disposition: string | undefined): string | undefined {
  if (!disposition) return undefined;
  const encoded = disposition.match(/filename\*\s*=\s*[\w-]+''([^;]+)/i)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // fall through to the plain form
    }
  }
  return disposition.match(/filename\s*=\s*"?([^";]+)"?/i)?.[1];
}

/** A readable, bounded file name: the server's file name, else the URL's last path segment, else its host. */
export function fileNameForUrl(url: URL, extension: string, serverFileName?: string): string {
  const lastSegment = decodeURIComponentSafe(url.pathname.split("/").filter(Boolean).pop() ?? "");
  const candidates = [serverFileName, lastSegment && !/^index\.\w+$/i.test(lastSegment) ? lastSegment : undefined, `${url.hostname.replace(/^www\./, "")}${url.pathname}`];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const slug = articleIdFromFileName(`${path.basename(candidate, path.extname(candidate))}.x`).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, "");
    if (slug.length >= 3) return `${slug}${extension}`;
  }
  return `link${extension}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function unsupportedType(mediaType: string): FetchError {
  return new FetchError(`Unsupported document type ${mediaType || "(none given)"}; links may serve HTML, PDF, DOCX, plain text or Markdown.`);
}

/** The document of a successful response: its type checked before the body is read, then the body within the limit. */
async function documentFrom(url: URL, headers: Record<string, string | string[] | undefined>, body: Readable, maxBytes: number): Promise<FetchedDocument> {
  const declaredLength = Number(header(headers, "content-length"));
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    abandon(body);
    throw new FetchError(`The document is ${megabytes(declaredLength)}; the limit is ${megabytes(maxBytes)}.`);
  }
  const contentType = parseContentType(header(headers, "content-type"));
  const declaredType = extensionForMediaType(contentType.mediaType) ? contentType.mediaType : undefined;
  // Generic or missing types are decided by the bytes; any other declared type is refused before its body is read.
  const generic = contentType.mediaType === "" || contentType.mediaType === "application/octet-stream" || contentType.mediaType === "binary/octet-stream";
  if (!declaredType && !generic) {
    abandon(body);
    throw unsupportedType(contentType.mediaType);
  }
  const raw = await readLimited(body, maxBytes, header(headers, "content-encoding"));
  if (raw.length === 0) throw new FetchError(`${url.host} sent an empty document.`);
  const mediaType = declaredType ?? sniffMediaType(raw);
  if (!mediaType) throw unsupportedType(contentType.mediaType);
  const extension = extensionForMediaType(mediaType)!;
  return {
    bytes: toUtf8(raw, mediaType, contentType.charset),
    mediaType,
    finalUrl: url.href,
    suggestedFileName: fileNameForUrl(url, extension, dispositionFileName(header(headers, "content-disposition"))),
  };
}

/**
 * Fetches a document for the knowledge base: http(s) only, every hop's address checked at connect time,
 * at most `maxRedirects` redirects, one deadline for everything, the body cut at `maxBytes`.
 */
export async function fetchDocument(rawUrl: string, options: FetchOptions): Promise<FetchedDocument> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const signal = AbortSignal.timeout(timeoutMs);
  const agent = new Agent({ connect: { lookup: guardedLookup(options.allowPrivate), timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const visited = new Set<string>();
  let url = checkUrl(rawUrl, options.allowPrivate);
  try {
    for (;;) {
      visited.add(url.href);
      const response = await request(url, {
        dispatcher: agent,
        signal,
        headers: { accept: `${SUPPORTED_MEDIA_TYPES.join(", ")}, */*;q=0.1`, "user-agent": "TanyaEGov/0.1 (knowledge base)" },
      });
      const { statusCode, headers, body } = response;
      if (REDIRECT_STATUSES.has(statusCode)) {
        await body.dump();
        const location = header(headers, "location");
        if (!location) throw new FetchError(`${url.host} answered with a redirect (HTTP ${statusCode}) but no location.`);
        const next = checkUrl(new URL(location, url).href, options.allowPrivate);
        if (visited.has(next.href)) throw new FetchError(`The link redirects in a loop (${url.host}).`);
        if (visited.size > maxRedirects) throw new FetchError(`The link redirects more than ${maxRedirects} times.`);
        url = next;
        continue;
      }
      if (statusCode < 200 || statusCode >= 300) {
        await body.dump();
        throw new FetchError(statusCode === 404 ? `Not found (HTTP 404) at ${url.host}.` : `${url.host} answered HTTP ${statusCode}.`);
      }
      return await documentFrom(url, headers, body, options.maxBytes);
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    const refused = refusedInChain(error);
    if (refused) throw new FetchError(`Refused: ${refused.message}.`);
    const code = (error as { code?: string }).code;
    if (signal.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") throw new FetchError(`The link did not answer within ${timeoutMs / 1000} s.`);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") throw new FetchError(`The host ${url.hostname} was not found.`);
    throw new FetchError(`Could not fetch ${url.host}: ${code ?? (error as Error).message}.`);
  } finally {
    await agent.destroy().catch(() => {});
  }
}
