import { createInterface } from "node:readline";
import { renderAnswerText } from "../answer/render-text.js";
import type { BotEngine } from "./types.js";

export const BOTFATHER_HELP = `No TELEGRAM_BOT_TOKEN is set, so the Telegram bot is not started.

To run Tanya e-Gov on Telegram:
  1. In Telegram, open a chat with @BotFather (https://t.me/BotFather).
  2. Send /newbot, then choose a display name and a username ending in "bot".
  3. BotFather answers with a token such as 123456789:AAE...; keep it secret.
  4. Put it in a file named .env in the project folder:
       TELEGRAM_BOT_TOKEN=123456789:AAE...
     Optionally also your numeric Telegram user id, for the admin commands (/reload, /remove, /stats,
     /gaps, /add <link>) and document uploads:
       ADMIN_USER_IDS=123456789
  5. Optional, in @BotFather: /setinline to enable inline mode (@YourBot question in any chat);
     leave privacy mode on (/setprivacy) so that in groups the bot only sees messages meant for it.
  6. Run npm start again.
`;

const EXIT_WORDS = new Set(["exit", "quit", "keluar", ":q"]);

/**
 * A chat in the terminal while no bot token is configured: each line is a question, answered as plain text.
 * Interactive (TTY) sessions get a prompt; piped input is read line by line until EOF. Ends on EOF (Ctrl+D),
 * Ctrl+C or "exit". Returns the number of questions answered.
 */
export async function runTerminalChat(engine: Pick<BotEngine, "ask" | "articles">, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, interactive: boolean): Promise<number> {
  const lines = createInterface({ input, ...(interactive ? { output } : {}), terminal: interactive, crlfDelay: Infinity });
  const prompt = (): void => {
    if (interactive) {
      lines.setPrompt("? ");
      lines.prompt();
    }
  };
  lines.on("SIGINT", () => lines.close());
  let answered = 0;
  prompt();
  for await (const raw of lines) {
    const question = raw.trim();
    if (EXIT_WORDS.has(question.toLowerCase())) break;
    if (question !== "") {
      try {
        const answer = await engine.ask(question);
        output.write(`${renderAnswerText(answer, engine.articles())}\n\n`);
        answered++;
      } catch (error) {
        output.write(`error: ${(error as Error).message}\n\n`);
      }
    }
    prompt();
  }
  lines.close();
  return answered;
}
