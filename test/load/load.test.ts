import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tail } from "../e2e/bot-process.js";
import type { BotMessage, ChatHandle } from "../fake-bot-api/index.js";
import { SEED_TRAFFIC_QUESTIONS } from "../helpers/seed-traffic.js";
import { botPid, percentile, rssMb, startWorld, USERNAME, type World } from "../reliability/helpers.js";
import { positiveIntFromEnv } from "../helpers/env.js";

/*
 * Bounded load test: LOAD_USERS simulated users (in groups of LOAD_GROUP_SIZE, each asking with /ask@Bot so
 * that every answer replies to its question) each ask LOAD_QUESTIONS questions, one after the other, all users
 * at the same time, through the fake Bot API, to the real bot process; LOAD_ROUNDS repeats that.
 *
 *   npm test                 10 users × 5 questions × 1 round (CI size, ~50 messages)
 *   npm run test:load        100 users × 20 questions × 5 rounds = 10,000 messages (vitest.load.config.ts)
 *
 * Checks: every question answered exactly once (the bot's reply_to_message), nothing refused by "Telegram",
 * the bot alive; reports p50/p95 round trip (question queued at the fake → answer received by the fake),
 * messages/s and the bot process's VmRSS sampled every 500 ms, and bounds RSS after the warm-up round: no sample
 * more than LOAD_RSS_GROWTH_MB (200) above the end of warm-up — V8 lets the heap grow before it collects, so
 * single samples swing by ~100 MB — and the last round's median at most LOAD_RSS_TREND_MB (50) above the second
 * round's (a leak shows there). Rate limits are raised for the run (RATE_LIMIT_* env).
 * All traffic stays on 127.0.0.1.
 */

const USERS = positiveIntFromEnv("LOAD_USERS", 10);
const QUESTIONS = positiveIntFromEnv("LOAD_QUESTIONS", 5);
const ROUNDS = positiveIntFromEnv("LOAD_ROUNDS", 1);
const GROUP_SIZE = positiveIntFromEnv("LOAD_GROUP_SIZE", 5);
/** RSS may rise this much above its end-of-warm-up value at any moment (V8 grows the heap before collecting). */
const RSS_GROWTH_BOUND_MB = positiveIntFromEnv("LOAD_RSS_GROWTH_MB", 200);
/** The median RSS of the last round may exceed that of the first round after warm-up by at most this: a leak. */
const RSS_TREND_BOUND_MB = positiveIntFromEnv("LOAD_RSS_TREND_MB", 50);
const ANSWER_TIMEOUT_MS = positiveIntFromEnv("LOAD_ANSWER_TIMEOUT_MS", 120_000);

const POOL = [
  ...SEED_TRAFFIC_QUESTIONS,
  "Berapa lama pelatihan e-government di Korea?",
  "How did Vietnam learn about Jogja's e-government?",
];

let world: World;
let pid: number;

beforeAll(async () => {
  world = await startWorld({
    adminIds: [90_001],
    env: { RATE_LIMIT_PER_MINUTE: "1000000", RATE_LIMIT_PER_CHAT_PER_MINUTE: "1000000" },
    fake: { defaultTimeoutMs: ANSWER_TIMEOUT_MS },
  });
  pid = botPid(world.bot);
}, 300_000);

afterAll(async () => {
  await world?.close();
});

interface Pending {
  chatId: number;
  messageId: number;
  queuedAt: number;
  resolve: (answer: BotMessage) => void;
}

/**
 * Matches bot messages to questions by (chat, reply_to_message_id) as they arrive. Reads the fake's new messages
 * every 5 ms (the fake's own waiters rescan every message on every change: too slow for thousands of waiters).
 */
class ReplyTracker {
  private readonly pending = new Map<string, Pending>();
  private readonly answersPerQuestion = new Map<string, number>();
  /** First answers that came before anyone waited for them. */
  private readonly arrived = new Map<string, BotMessage>();
  private seen = 0;
  private readonly timer: NodeJS.Timeout;
  stray: BotMessage[] = [];

  constructor(private readonly chats: Set<number>) {
    this.timer = setInterval(() => this.poll(), 5);
  }

  expect(chatId: number, messageId: number, queuedAt: number): Promise<BotMessage> {
    const key = `${chatId}:${messageId}`;
    this.poll();
    const early = this.arrived.get(key);
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no answer to message ${messageId} in chat ${chatId} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(key, {
        chatId,
        messageId,
        queuedAt,
        resolve: (answer) => {
          clearTimeout(timeout);
          resolve(answer);
        },
      });
    });
  }

  /** How many bot messages replied to each question (must be exactly 1 each). */
  counts(): Map<string, number> {
    this.poll();
    return this.answersPerQuestion;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private poll(): void {
    const fresh = world.api.botMessagesSince(this.seen);
    this.seen += fresh.length;
    for (const message of fresh) {
      if (!this.chats.has(message.chatId)) continue;
      if (message.replyToMessageId === undefined) continue; // the continuation of a long answer
      const key = `${message.chatId}:${message.replyToMessageId}`;
      this.answersPerQuestion.set(key, (this.answersPerQuestion.get(key) ?? 0) + 1);
      const waiting = this.pending.get(key);
      if (this.answersPerQuestion.get(key)! > 1) this.stray.push(message);
      else if (waiting) {
        this.pending.delete(key);
        waiting.resolve(message);
      } else this.arrived.set(key, message);
    }
  }
}

interface Sample {
  at: number;
  answered: number;
  rssMb: number;
  round: number;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

describe(`load: ${USERS} users × ${QUESTIONS} questions × ${ROUNDS} round(s)`, () => {
  it("every question is answered exactly once; round trips, throughput and RSS are reported; RSS growth stays bounded", async () => {
    const groups: ChatHandle[] = [];
    for (let i = 0; i < Math.ceil(USERS / GROUP_SIZE); i++) groups.push(world.api.groupChat({ title: `Beban ${i + 1}` }));
    const users = Array.from({ length: USERS }, (_, i) => ({
      user: world.api.user({ id: 500_000 + i, first_name: `Load${i}`, language_code: i % 3 === 0 ? "en" : "id" }),
      group: groups[Math.floor(i / GROUP_SIZE)]!,
    }));
    const tracker = new ReplyTracker(new Set(groups.map((group) => group.id)));
    const roundTrips: number[] = [];
    const samples: Sample[] = [];
    let answered = 0;
    let currentRound = 0;
    const started = Date.now();
    const sample = (): void => {
      try {
        samples.push({ at: Date.now() - started, answered, rssMb: rssMb(pid), round: currentRound });
      } catch {
        // the process is gone; the liveness check below reports it
      }
    };
    sample();
    const sampler = setInterval(sample, 500);
    const roundEnds: Sample[] = [];
    const roundSeconds: number[] = [];
    const asked: Array<{ chatId: number; messageId: number }> = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        currentRound = round;
        const roundStarted = Date.now();
        await Promise.all(
          users.map(async ({ user, group }, u) => {
            for (let q = 0; q < QUESTIONS; q++) {
              const question = POOL[(u * 7 + q * 3 + round) % POOL.length]!;
              // Every 10th question is unique, so the statistics store sees many distinct questions too.
              const text = `/ask@${USERNAME} ${question}${(u + q) % 10 === 0 ? ` (${round}-${u}-${q})` : ""}`;
              const queuedAt = Date.now();
              const message = await world.api.sendUserMessage({ chat: group, from: user, text });
              asked.push({ chatId: group.id, messageId: message.message_id });
              const answer = await tracker.expect(group.id, message.message_id, queuedAt);
              roundTrips.push(answer.sentAt - queuedAt);
              answered++;
            }
          }),
        );
        sample();
        roundEnds.push(samples.at(-1)!);
        roundSeconds.push((Date.now() - roundStarted) / 1000);
      }
    } catch (error) {
      console.error(`--- bot log (last lines) ---\n${tail(world.bot, 40)}`);
      throw error;
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = tracker.counts();
    tracker.stop();

    // Exactly once: one reply per question, no reply to anything else, nothing refused.
    const total = USERS * QUESTIONS * ROUNDS;
    expect(asked).toHaveLength(total);
    const notOnce = asked.filter(({ chatId, messageId }) => counts.get(`${chatId}:${messageId}`) !== 1);
    expect(notOnce).toEqual([]);
    expect(counts.size).toBe(total);
    expect(tracker.stray).toEqual([]);
    expect(world.api.failedCalls().map((call) => `${call.method}: ${call.description}`)).toEqual([]);
    expect(world.alive()).toBe(true);

    // RSS: warm-up = the first round (or the first fifth of a single round).
    const warmupEnd = ROUNDS > 1 ? roundEnds[0]! : samples[Math.max(0, Math.floor(samples.length / 5))]!;
    const afterWarmup = samples.filter((s) => s.at >= warmupEnd.at);
    const peakAfter = Math.max(...afterWarmup.map((s) => s.rssMb));
    const growth = Math.round((peakAfter - warmupEnd.rssMb) * 10) / 10;
    const roundMedian = (round: number) => median(samples.filter((s) => s.round === round).map((s) => s.rssMb));
    const trend = ROUNDS > 2 ? Math.round((roundMedian(ROUNDS - 1) - roundMedian(1)) * 10) / 10 : undefined;
    const report = {
      users: USERS,
      questionsPerUser: QUESTIONS,
      rounds: ROUNDS,
      messages: total,
      seconds: Math.round(seconds * 10) / 10,
      messagesPerSecond: Math.round((total / seconds) * 10) / 10,
      roundTripMs: { p50: percentile(roundTrips, 50), p95: percentile(roundTrips, 95), p99: percentile(roundTrips, 99), max: Math.max(...roundTrips) },
      rssMb: {
        start: samples[0]!.rssMb,
        endOfWarmup: warmupEnd.rssMb,
        peakAfterWarmup: peakAfter,
        end: samples.at(-1)!.rssMb,
        growthAfterWarmup: growth,
        growthBound: RSS_GROWTH_BOUND_MB,
        trendLastVsSecondRoundMedian: trend ?? "n/a (needs 3+ rounds)",
        trendBound: RSS_TREND_BOUND_MB,
        perRound: roundEnds.map((s, round) => ({ answered: s.answered, seconds: Math.round(roundSeconds[round]! * 10) / 10, medianRssMb: roundMedian(round), endRssMb: s.rssMb })),
        samples: samples.filter((_, i) => i % Math.max(1, Math.ceil(samples.length / 40)) === 0).map((s) => `${s.at}ms/${s.answered}:${s.rssMb}`),
      },
    };
    const file = path.join(os.tmpdir(), `tanya-load-${USERS}x${QUESTIONS}x${ROUNDS}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.info(`[load] report (also in ${file}):\n${JSON.stringify(report, null, 2)}`);
    expect(growth).toBeLessThan(RSS_GROWTH_BOUND_MB);
    if (trend !== undefined) expect(trend).toBeLessThan(RSS_TREND_BOUND_MB);
  }, 60 * 60 * 1000);
});
