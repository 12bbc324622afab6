import type { DeliveryRecord } from "./harness-types.js";
import type { CallRecord } from "./server.js";
import type { BotMessage } from "./state.js";
import type { UpdateRecord } from "./updates.js";

export interface TimeoutContext {
  what: string;
  timeoutMs: number;
  /** Methods the wait was about; getUpdates noise is hidden unless listed. */
  relevantMethods: readonly string[];
  chatId?: number;
  botMessages: readonly BotMessage[];
  wasReturned: (message: BotMessage) => boolean;
  failedCalls: readonly CallRecord[];
  calls: readonly CallRecord[];
  updates: readonly UpdateRecord[];
  deliveries: readonly DeliveryRecord[];
}

/**
 * The error a harness wait rejects with. A bare "timed out" is useless in an
 * end-to-end test; this says what the bot did instead: what it sent, which
 * calls Telegram refused and why, and which updates it never picked up.
 */
export function describeTimeout(ctx: TimeoutContext): Error {
  const where = ctx.chatId === undefined ? "" : ` in chat ${ctx.chatId}`;
  const lines = [`fake-bot-api: ${ctx.what} timed out after ${ctx.timeoutMs} ms.`];

  lines.push(ctx.botMessages.length === 0 ? `No bot messages${where}.` : `Bot messages${where}:`);
  for (const m of ctx.botMessages.slice(-8)) {
    const flags = [
      ctx.wasReturned(m) ? "already returned" : "",
      m.deleted ? "deleted" : "",
      m.versions.length > 1 ? `${m.versions.length - 1} edits` : "",
    ].filter((f) => f !== "");
    const suffix = flags.length > 0 ? ` (${flags.join(", ")})` : "";
    lines.push(`  #${m.messageId} in ${m.chatId}: ${JSON.stringify(m.text.slice(0, 120))}${suffix}`);
  }

  const failed = ctx.failedCalls.slice(-5);
  if (failed.length > 0) {
    lines.push("Refused API calls:");
    for (const c of failed) lines.push(`  ${c.method} -> ${c.errorCode} ${c.description}`);
  }

  const showPolls = ctx.relevantMethods.includes("getUpdates");
  const recent = ctx.calls.filter((c) => showPolls || c.method !== "getUpdates").slice(-8);
  lines.push(
    recent.length === 0
      ? "No API calls (is the bot running against this apiRoot?)."
      : `Recent API calls: ${recent.map((c) => `${c.method}${c.httpStatus === undefined ? "" : `:${c.httpStatus}`}`).join(", ")}`,
  );

  const waiting = ctx.updates.filter((r) => r.status === "queued" || r.status === "delivered");
  if (waiting.length > 0) {
    lines.push(`Unconfirmed updates: ${waiting.map((r) => `${r.update.update_id} ${r.type} (${r.status})`).join(", ")}`);
  }
  for (const d of ctx.deliveries.filter((x) => !x.delivered).slice(-3)) {
    lines.push(`Not delivered to the bot: ${JSON.stringify(d.message.text ?? d.message.caption ?? "")} (${d.reason})`);
  }
  return new Error(lines.join("\n"));
}
