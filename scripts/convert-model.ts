/**
 * Converts the bundled all-MiniLM-L6-v2 weights into the Transformers.js model folder.
 * Usage: npx tsx scripts/convert-model.ts [--force] [--out <dir>]
 */
import { relative } from "node:path";
import { convertBundledModel } from "../src/embedding/convert/index.js";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const unknown = args.filter((arg, i) => arg !== "--force" && !(outIndex >= 0 && (i === outIndex || i === outIndex + 1)));
if (unknown.length > 0 || (outIndex >= 0 && !args[outIndex + 1])) {
  console.error("usage: convert-model.ts [--force] [--out <dir>]");
  process.exit(2);
}

try {
  const result = await convertBundledModel({
    force: args.includes("--force"),
    ...(outIndex >= 0 ? { outDir: args[outIndex + 1] } : {}),
  });
  const where = relative(process.cwd(), result.outDir) || ".";
  console.log(
    result.converted
      ? `converted all-MiniLM-L6-v2 → ${where} (fp32 + int8 ONNX) in ${result.seconds}s`
      : `all-MiniLM-L6-v2 in ${where} is up to date (checked in ${result.seconds}s)`,
  );
} catch (error) {
  console.error(`model conversion failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
