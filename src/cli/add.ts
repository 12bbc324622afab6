import fs from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import type { Engine, RefreshCallbacks } from "../engine/engine.js";
import { exitWithError, openCliEngine } from "./open-engine.js";
import { refreshAndReport } from "./refresh-report.js";

/** "https://…", "ftp://…", "file:…": anything with a scheme is a link (fetching refuses the unsupported ones). */
function isLink(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(input) && !/^[a-z]:[\\/]/i.test(input);
}

/** Long extractions (PDF pages, OCR) report on stderr now and then, so a 300-page file does not look stuck. */
function extractionProgress(): RefreshCallbacks["onExtract"] {
  let last = 0;
  return (file, { stage, done, total }) => {
    if (done < total && Date.now() - last < 1000) return;
    last = Date.now();
    process.stderr.write(`${file}: ${stage === "ocr" ? "OCR page" : "reading page"} ${done}/${total}\n`);
  };
}

/** Saves one file or link into the knowledge folder; returns the file it became and the files it replaced. */
async function addOne(engine: Engine, input: string): Promise<{ file: string; replaced: string[] }> {
  const onExtract = extractionProgress();
  if (isLink(input)) {
    process.stderr.write(`fetching ${input} …\n`);
    const { article, replaced } = await engine.saveUrl(input, { onExtract });
    return { file: article.file, replaced };
  }
  const bytes = await fs.readFile(input).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === "ENOENT" ? "no such file" : error.message);
  });
  const { article, replaced } = await engine.saveArticle(path.basename(input), bytes, { onExtract });
  return { file: article.file, replaced };
}

const program = new Command("add")
  .description("Add article files or links (http/https) to the knowledge folder, then index them.")
  .argument("<inputs...>", "files (.pdf, .docx, .html, .txt, .md) or links")
  .option("--json", "print the refresh report as JSON")
  .option("--quiet", "no progress bar")
  .action(async (inputs: string[], options: { json?: boolean; quiet?: boolean }) => {
    let failed = 0;
    // Opened first, so a first build of the index covers the folder as it was and the report below shows what
    // this command added.
    const engine = await openCliEngine();
    try {
      let saved = 0;
      // Each input is saved (validated first, so a bad one changes nothing) before one refresh indexes them all.
      for (const input of inputs) {
        try {
          const { file, replaced } = await addOne(engine, input);
          saved++;
          process.stderr.write(`saved ${input} as ${file}${replaced.length > 0 ? ` (replaces ${replaced.join(", ")})` : ""}\n`);
        } catch (error) {
          failed++;
          process.stderr.write(`not added: ${input}: ${(error as Error).message}\n`);
        }
      }
      if (saved > 0) await refreshAndReport(engine, options);
    } finally {
      await engine.close();
    }
    if (failed > 0) process.exitCode = 1;
  });

program.parseAsync().catch(exitWithError);
