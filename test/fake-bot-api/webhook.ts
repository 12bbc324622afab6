import type { Update } from "@grammyjs/types";
import type { FakeState } from "./state.js";
import type { UpdateQueue, UpdateRecord } from "./updates.js";

/*
 * Webhook delivery as Telegram does it: after setWebhook, each update is POSTed as JSON to the webhook URL with
 * the `X-Telegram-Bot-Api-Secret-Token` header; a 2xx answer confirms it; a non-2xx answer, a refused connection
 * or no answer within the timeout is retried with exponential back-off. Updates of one chat go one at a time, in
 * order (Telegram keeps a chat's updates sequential); different chats use up to `max_connections` connections at
 * once. deleteWebhook stops delivery; what is left stays queued for getUpdates.
 *
 * Telegram only calls https URLs. The tests' bots listen on plain HTTP on loopback, so the harness option
 * `webhook.origin` plays the TLS-terminating load balancer: the URL's origin is replaced by it (path and query
 * kept). Without that option the webhook is only recorded, as before.
 */

export interface WebhookDeliveryOptions {
  /** Where the webhook URL's https origin is reached, e.g. "http://127.0.0.1:8443". */
  origin: string;
  /** How long a POST may take before it counts as failed. Default 10 000 ms. */
  timeoutMs?: number;
  /** First retry delay, doubled per failure of the same update up to `retryMaxMs`. Defaults 200 / 5 000 ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface WebhookAttempt {
  updateId: number;
  url: string;
  at: number;
  ms: number;
  /** HTTP status, when an answer came. */
  status?: number;
  /** "timeout", or the connection error. */
  error?: string;
  outcome: "confirmed" | "retry" | "cancelled";
}

export interface WebhookConfig {
  url: string;
  setAt: number;
  secretToken?: string;
  maxConnections: number;
}

/** Updates of one chat (or one user, for queries without a chat) are delivered one at a time. */
function orderingKey(update: Update): string {
  const payload = Object.values(update).find((value) => typeof value === "object" && value !== null) as Record<string, unknown> | undefined;
  const chat = (payload?.chat ?? (payload?.message as Record<string, unknown> | undefined)?.chat) as { id: number } | undefined;
  if (chat) return `chat:${chat.id}`;
  const from = payload?.from as { id: number } | undefined;
  return from ? `user:${from.id}` : `update:${update.update_id}`;
}

export class WebhookPusher {
  readonly attempts: WebhookAttempt[] = [];
  private readonly inFlight = new Map<UpdateRecord, { controller: AbortController; key: string }>();
  private readonly failures = new Map<UpdateRecord, { count: number; retryAt: number }>();
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: FakeState,
    private readonly queue: UpdateQueue,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.unsubscribe = state.feed.subscribe(() => this.schedule());
  }

  /** Where a POST for the webhook URL goes: the configured origin, the URL's path and query. */
  target(url: string): string {
    const parsed = new URL(url);
    return new URL(parsed.pathname + parsed.search, this.options.origin).toString();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.retryTimer);
    for (const { controller } of this.inFlight.values()) controller.abort(new Error("cancelled"));
  }

  // State changes notify synchronously (and delivering changes state): pumping once per tick avoids re-entry.
  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const hook = this.state.webhook as WebhookConfig | undefined;
    if (!hook) {
      for (const { controller } of this.inFlight.values()) controller.abort(new Error("cancelled"));
      return;
    }
    const now = Date.now();
    const busy = new Set([...this.inFlight.values()].map(({ key }) => key));
    let nextRetry = Infinity;
    for (const record of this.queue.forWebhook()) {
      if (this.inFlight.size >= hook.maxConnections) break;
      if (this.inFlight.has(record)) continue;
      const key = orderingKey(record.update);
      // A chat's later updates wait for its earlier one, retries included.
      if (busy.has(key)) continue;
      busy.add(key);
      const retryAt = this.failures.get(record)?.retryAt ?? 0;
      if (retryAt > now) {
        nextRetry = Math.min(nextRetry, retryAt);
        continue;
      }
      this.deliver(record, hook, key);
    }
    clearTimeout(this.retryTimer);
    if (nextRetry !== Infinity) this.retryTimer = setTimeout(() => this.schedule(), nextRetry - now);
  }

  private deliver(record: UpdateRecord, hook: WebhookConfig, key: string): void {
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const timer = setTimeout(() => controller.abort(new Error("timeout")), timeoutMs);
    this.inFlight.set(record, { controller, key });
    this.queue.markDelivered(record);
    const url = this.target(hook.url);
    const started = Date.now();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (hook.secretToken !== undefined) headers["x-telegram-bot-api-secret-token"] = hook.secretToken;
    void fetch(url, { method: "POST", headers, body: JSON.stringify(record.update), signal: controller.signal })
      .then(async (response) => {
        await response.arrayBuffer();
        return { status: response.status } as { status?: number; error?: string };
      })
      .catch((error: unknown) => {
        const reason = controller.signal.aborted ? (controller.signal.reason as Error).message : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        return { error: reason } as { status?: number; error?: string };
      })
      .then((result) => {
        clearTimeout(timer);
        this.inFlight.delete(record);
        const cancelled = result.error === "cancelled" || this.state.webhook !== hook;
        const ok = !cancelled && result.status !== undefined && result.status >= 200 && result.status < 300;
        this.attempts.push({ updateId: record.update.update_id, url, at: started, ms: Date.now() - started, ...result, outcome: ok ? "confirmed" : cancelled ? "cancelled" : "retry" });
        if (ok) {
          this.failures.delete(record);
          this.queue.confirmDelivered(record);
        } else if (!cancelled) {
          const count = (this.failures.get(record)?.count ?? 0) + 1;
          const delay = Math.min((this.options.retryBaseMs ?? 200) * 2 ** (count - 1), this.options.retryMaxMs ?? 5_000);
          this.failures.set(record, { count, retryAt: Date.now() + delay });
        }
        this.state.changed();
      });
  }
}
