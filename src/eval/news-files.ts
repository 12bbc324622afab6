import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import matter from "gray-matter";
import { EvalDataError, jsonLines, type NewsArticle } from "./dataset.js";

/**
 * The first `count` news articles of `newsFile` as article files with front matter, the format admins use (see
 * knowledge/), written while the news file is read. Returns how many were written.
 */
export async function writeNewsFiles(newsFile: string, count: number, knowledgeDir: string): Promise<number> {
  let written = 0;
  for await (const item of jsonLines<NewsArticle>(newsFile, count)) {
    const meta = Object.fromEntries(Object.entries({ title: item.title, source: item.source, date: item.date, url: item.url }).filter(([, value]) => value));
    writeFileSync(path.join(knowledgeDir, `${item.id}.txt`), matter.stringify(item.text, meta));
    written++;
  }
  return written;
}

/**
 * `writeNewsFiles` in a child process. Done in the process that then builds the index, its garbage (50 MB of JSON
 * Lines parsed, 24.5k front matters rendered) grew the heap that the build started from: ~130 MB more peak RSS
 * at the full set, which is the benchmark's cost, not the product's.
 */
export function writeNewsFilesInChild(newsFile: string, count: number, knowledgeDir: string): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    let reply: { written: number } | { error: string } | undefined;
    // The same loader flags (tsx when the sources run directly), so the child runs this very file.
    const child = fork(self, [newsFile, String(count), knowledgeDir], { execArgv: process.execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("message", (message: typeof reply) => (reply = message));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (reply && "written" in reply) resolve(reply.written);
      else if (reply) reject(new EvalDataError(reply.error));
      else reject(new Error(`writing the news files failed (exit code ${code}): ${stderr.trim().slice(-500)}`));
    });
  });
}

// Run as the child of writeNewsFilesInChild: node news-files.js <news file> <count> <knowledge folder>.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [newsFile, count, knowledgeDir] = process.argv.slice(2);
  const reply = await writeNewsFiles(newsFile!, Number(count), knowledgeDir!).then(
    (written) => ({ written }),
    (error: unknown) => ({ error: (error as Error).message }),
  );
  process.send(reply, () => process.exit("written" in reply ? 0 : 1));
}
