/**
 * Bot benchmark (not a test): the real bot process against the fake Bot API.
 *
 *   npx tsx scripts/bench-bot.ts [--questions 100] [--idle-seconds 10]
 *
 * Prints one JSON object: question → answer round trip (median, p95, ...) measured from the moment the user's
 * message is queued at the fake Telegram to the moment the bot's answer arrives there (long-poll delivery,
 * engine, rendering, sendMessage), and the bot's CPU use while idle (long polling must not spin).
 */
import { execSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { startBotProcess, type BotProcess } from "../test/e2e/bot-process.js";
import { startFakeBotApi, type ChatHandle } from "../test/fake-bot-api/index.js";
import { SEED_TRAFFIC_QUESTIONS } from "../test/helpers/seed-traffic.js";

const QUESTIONS = SEED_TRAFFIC_QUESTIONS;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** CPU seconds (user + system) of every process in the bot's process group (tsx launcher and the bot). */
function groupCpuSeconds(pgid: number, ticksPerSecond: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

async function main(): Promise<void> {
  const questionCount = argument("questions", 100);
  const idleSeconds = argument("idle-seconds", 10);
  const api = await startFakeBotApi({ token: "7000000002:AABenchTokenForTheFakeBotApiOnly", botUsername: "TanyaEgovBot", defaultTimeoutMs: 60_000 });
  let bot: BotProcess | undefined;
  try {
    bot = startBotProcess({ token: api.token, apiRoot: api.apiRoot, adminIds: [], env: { RATE_LIMIT_PER_MINUTE: "10000", LOG_LEVEL: "info" } });
    const startedAt = Date.now();
    await api.waitForPolling({ timeoutMs: 300_000 });
    const startupMs = Date.now() - startedAt;
    const chats: ChatHandle[] = Array.from({ length: 10 }, (_, index) => api.privateChat({ id: 70_000 + index, first_name: `Bench${index}`, language_code: index % 2 ? "en" : "id" }));

    // Warm-up (first embeddings, JIT): not measured.
    for (const [index, question] of QUESTIONS.slice(0, 5).entries()) {
      await api.sendUserMessage({ chat: chats[index]!, text: question });
      await api.waitForBotMessage({ chat: chats[index]! });
    }

    const times: number[] = [];
    for (let i = 0; i < questionCount; i++) {
      const chat = chats[i % chats.length]!;
      const sent = Date.now();
      await api.sendUserMessage({ chat, text: QUESTIONS[i % QUESTIONS.length]! });
      const reply = await api.waitForBotMessage({ chat });
      // Answers that span several messages: the round trip ends with the first one (what the user sees first).
      times.push(reply.sentAt - sent);
    }
    const sorted = [...times].sort((a, b) => a - b);

    // Idle: let in-flight work settle, then measure CPU while nothing happens.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const pgid = bot.child.pid!;
    const ticksPerSecond = Number(execSync("getconf CLK_TCK").toString().trim()) || 100;
    const pollsBefore = api.calls("getUpdates").length;
    const cpuBefore = groupCpuSeconds(pgid, ticksPerSecond);
    const idleStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const wall = (performance.now() - idleStart) / 1000;
    const cpu = groupCpuSeconds(pgid, ticksPerSecond) - cpuBefore;
    const polls = api.calls("getUpdates").length - pollsBefore;

    const exit = await bot.stop();
    const result = {
      questions: questionCount,
      startupMs,
      roundTripMs: {
        median: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        mean: round(times.reduce((sum, value) => sum + value, 0) / times.length),
        min: sorted[0],
        max: sorted.at(-1),
      },
      idle: {
        seconds: round(wall),
        cpuSeconds: round(cpu * 1000) / 1000,
        cpuPercentOfOneCore: round((cpu / wall) * 100),
        getUpdatesRequests: polls,
      },
      failedCalls: api.failedCalls().length,
      shutdown: exit,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    bot?.cleanup();
    await api.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
