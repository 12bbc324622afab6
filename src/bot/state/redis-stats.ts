import type { AnswerKind } from "../../answer/answer.js";
import type { RedisConnection } from "./redis-connection.js";
import { MAX_DISTINCT_QUESTIONS, questionKey, type QuestionStats, type StatsSummary, type Vote } from "../stats.js";

const COUNTS = "tanya:stats";
const ASKED = "tanya:stats:asked";
const ASKED_TEXT = "tanya:stats:asked-text";
export const STATS_DEGRADED = "statistics and feedback of this time are dropped";

/**
 * /stats shared by replicas: counters in one hash (HINCRBY, so concurrent replicas never lose a count), the
 * most asked questions in a sorted set with their display text beside it, trimmed to the same 500 as the file
 * store. While Redis is unreachable counts are dropped, not buffered: statistics are never worth memory that
 * grows for as long as an outage lasts.
 */
export class RedisStats implements QuestionStats {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: RedisConnection,
    private readonly now: () => Date = () => new Date(),
  ) {}

  recordQuestion(question: string, kind: AnswerKind): void {
    const asked = questionKey(question);
    const batch = this.connection.redis.multi().hsetnx(COUNTS, "since", this.now().toISOString()).hincrby(COUNTS, kind === "none" ? "notFound" : "answered", 1);
    if (kind === "related") batch.hincrby(COUNTS, "related", 1);
    if (asked) {
      batch
        .zincrby(ASKED, 1, asked.key)
        .hsetnx(ASKED_TEXT, asked.key, asked.text)
        // Keeps the most asked; ties and the text of questions trimmed away do not matter for /stats.
        .zremrangebyrank(ASKED, 0, -(MAX_DISTINCT_QUESTIONS + 1));
    }
    this.run(batch.exec());
  }

  recordFeedback(vote: Vote, previous?: Vote): void {
    if (previous === vote) return;
    const batch = this.connection.redis.multi().hsetnx(COUNTS, "since", this.now().toISOString()).hincrby(COUNTS, vote, 1);
    if (previous) batch.hincrby(COUNTS, previous, -1);
    this.run(batch.exec());
  }

  async summary(topN = 10): Promise<StatsSummary> {
    const [counts, top] = await Promise.all([this.connection.redis.hgetall(COUNTS), this.connection.redis.zrevrange(ASKED, 0, topN - 1, "WITHSCORES")]);
    const keys = top.filter((_, index) => index % 2 === 0);
    const texts = keys.length ? await this.connection.redis.hmget(ASKED_TEXT, ...keys) : [];
    const count = (field: string): number => Math.max(0, Number(counts[field] ?? 0));
    return {
      since: counts.since ?? this.now().toISOString(),
      answered: count("answered"),
      related: count("related"),
      notFound: count("notFound"),
      up: count("up"),
      down: count("down"),
      top: keys.map((key, index) => ({ text: texts[index] ?? key, count: Number(top[index * 2 + 1]) })),
    };
  }

  async flush(): Promise<void> {
    await this.pending;
  }

  private run(write: Promise<unknown>): void {
    this.pending = write.catch((error: unknown) => this.connection.health.failed(STATS_DEGRADED, error));
  }
}
