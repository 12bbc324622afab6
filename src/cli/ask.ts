import { createInterface } from "node:readline";
import { Command } from "commander";
import { answerToJson } from "../answer/json.js";
import { renderAnswerText } from "../answer/render-text.js";
import { exitWithError, openCliEngine } from "./open-engine.js";

const program = new Command("ask")
  .description("Answer a question from the knowledge base, quoting articles with citations.")
  .argument("[question...]", "the question; with --json and no question, one question per line is read from stdin")
  .option("--json", "print one JSON object per question")
  .option("--lang <lang>", "force the question language (id or en)")
  .action(async (parts: string[], options: { json?: boolean; lang?: string }) => {
    const lang = options.lang === "id" || options.lang === "en" ? options.lang : undefined;
    if (options.lang && !lang) throw new Error(`--lang must be "id" or "en"`);
    const question = parts.join(" ").trim();
    if (!question && !options.json) {
      program.help({ error: true });
    }
    const engine = await openCliEngine();
    try {
      if (question) {
        const answer = await engine.ask(question, lang ? { lang } : {});
        process.stdout.write(options.json ? `${JSON.stringify(answerToJson(answer))}\n` : `${renderAnswerText(answer, engine.articles())}\n`);
        return;
      }
      // Batch mode: the model loads once; each line is answered in order.
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === "") continue;
        const answer = await engine.ask(line, lang ? { lang } : {});
        process.stdout.write(`${JSON.stringify(answerToJson(answer))}\n`);
      }
    } finally {
      await engine.close();
    }
  });

program.parseAsync().catch(exitWithError);
