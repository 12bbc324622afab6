import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** Languages read from every scanned page: Indonesian documents quote English terms and titles. */
export const OCR_LANGUAGES = ["ind", "eng"] as const;

/**
 * The "best_int" models shipped inside the @tesseract.js-data packages: tesseract.js would fetch these same
 * files from a CDN when no langPath is given.
 */
function packagedModel(language: string): string {
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${language}/package.json`)), "4.0.0_best_int", `${language}.traineddata.gz`);
}

/**
 * tesseract.js reads every language of "ind+eng" from one folder, but each npm package holds one language, so
 * the packaged files are copied side by side (once; again only if a package update changed their size).
 * The copy is written aside and renamed, so a half-copied model is never read.
 */
export async function prepareLanguageFolder(folder: string): Promise<string> {
  await fs.mkdir(folder, { recursive: true });
  for (const language of OCR_LANGUAGES) {
    const source = packagedModel(language);
    const target = path.join(folder, `${language}.traineddata.gz`);
    const [sourceStat, targetStat] = await Promise.all([fs.stat(source), fs.stat(target).catch(() => undefined)]);
    if (targetStat?.size === sourceStat.size) continue;
    const temp = `${target}.${process.pid}.tmp`;
    await fs.copyFile(source, temp);
    await fs.rename(temp, target);
  }
  return folder;
}
