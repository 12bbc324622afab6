import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Answer } from "../answer/answer.js";

/** How a question ended, as counted in the metrics. */
export type QuestionOutcome = "direct" | "related" | "declined";

/**
 * The outcome of an answer. Today an answer is either found (quoted: "direct") or not ("declined"); once answers
 * carry a kind (direct / related / none) this is the one place to map it.
 */
export function questionOutcome(answer: Pick<Answer, "kind">): QuestionOutcome {
  return answer.kind === "none" ? "declined" : answer.kind;
}

export type RateLimitScope = "user" | "chat" | "inline";

/** What the index gauges read at scrape time. */
export interface IndexFigures {
  articles: number;
  passages: number;
  generation: string;
}

/**
 * Prometheus metrics of one bot process (prom-client), in their own registry. Labels are closed sets (outcome,
 * Bot API method and error code, limiter scope): never a question, a user, a chat or the token.
 */
export class BotMetrics {
  readonly registry = new Registry();
  private readonly questions: Counter<"outcome">;
  private readonly answerSeconds: Histogram;
  private readonly apiErrors: Counter<"method" | "code">;
  private readonly rateLimitedCount: Counter<"scope">;
  private readonly refreshes: Counter<"result">;
  private readonly refreshSeconds: Histogram;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.questions = new Counter({ name: "tanya_questions_total", help: "Questions answered, by outcome (direct: quoted from the knowledge base; related; declined: nothing relevant)", labelNames: ["outcome"], registers });
    for (const outcome of ["direct", "related", "declined"] as const) this.questions.inc({ outcome }, 0);
    this.answerSeconds = new Histogram({ name: "tanya_answer_seconds", help: "Time from a question to its answer being sent", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers });
    this.apiErrors = new Counter({ name: "tanya_bot_api_errors_total", help: "Failed Bot API calls by method and error code (network: no HTTP answer)", labelNames: ["method", "code"], registers });
    this.rateLimitedCount = new Counter({ name: "tanya_rate_limited_total", help: "Times a user, group chat or inline user went over its budget (once per window)", labelNames: ["scope"], registers });
    this.refreshes = new Counter({ name: "tanya_refreshes_total", help: "Index refreshes by result", labelNames: ["result"], registers });
    for (const result of ["ok", "failed"] as const) this.refreshes.inc({ result }, 0);
    this.refreshSeconds = new Histogram({ name: "tanya_refresh_seconds", help: "Duration of index refreshes", buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800], registers });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  questionAnswered(outcome: QuestionOutcome, seconds: number): void {
    this.questions.inc({ outcome });
    this.answerSeconds.observe(seconds);
  }

  botApiError(method: string, code: number | "network"): void {
    this.apiErrors.inc({ method, code: String(code) });
  }

  rateLimited(scope: RateLimitScope): void {
    this.rateLimitedCount.inc({ scope });
  }

  refreshed(result: { ok: boolean; seconds: number }): void {
    this.refreshes.inc({ result: result.ok ? "ok" : "failed" });
    this.refreshSeconds.observe(result.seconds);
  }

  /** Gauges of the serving index, read when Prometheus scrapes (undefined: no index loaded). */
  observeIndex(read: () => IndexFigures | undefined): void {
    const registers = [this.registry];
    new Gauge({ name: "tanya_index_articles", help: "Articles in the serving index", registers, collect() { this.set(read()?.articles ?? 0); } });
    new Gauge({ name: "tanya_index_passages", help: "Passages in the serving index", registers, collect() { this.set(read()?.passages ?? 0); } });
    new Gauge({
      name: "tanya_index_generation_info",
      help: "The serving index generation (value 1, name in the label)",
      labelNames: ["generation"],
      registers,
      collect() {
        this.reset();
        const generation = read()?.generation;
        if (generation) this.set({ generation }, 1);
      },
    });
  }

  /** A gauge that reads 1 while `up()` holds, e.g. Redis reachable. */
  observeUp(name: string, help: string, up: () => Promise<boolean>): void {
    new Gauge({ name, help, registers: [this.registry], async collect() { this.set((await up()) ? 1 : 0); } });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
