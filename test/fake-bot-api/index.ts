/**
 * Strict fake Telegram Bot API for end-to-end tests of the grammY bot.
 *
 *   const api = await startFakeBotApi({ token: "123:ABC", botUsername: "TanyaEgovBot" });
 *   const bot = new Bot(api.token, { client: { apiRoot: api.apiRoot } });
 *   const chat = api.privateChat({ id: 1001, first_name: "Sari", language_code: "id" });
 *   await api.sendUserMessage({ chat, text: "/start" });
 *   const reply = await api.waitForBotMessage({ chat });
 *   ...
 *   await bot.stop(); await api.stop();
 *
 * See README.md in this folder for the full surface and the rules it enforces.
 */
import type { FakeBotApiOptions } from "./harness-types.js";
import { FakeBotApi } from "./harness.js";

export function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  return FakeBotApi.start(options);
}

export { FakeBotApi } from "./harness.js";
export type {
  BotEditQuery,
  BotMessageQuery,
  ChannelInit,
  ChatHandle,
  DeliveryRecord,
  FakeBotApiOptions,
  GroupInit,
  MessageRef,
  UpdateInput,
  UserDocumentInput,
  UserInit,
  UserMessageInput,
  WaitOptions,
} from "./harness-types.js";
export type { CallRecord } from "./server.js";
export type { FaultController, FaultHandle, FaultKind, FaultSpec } from "./faults.js";
export type {
  BotMessage,
  BotMessageVersion,
  CallbackAnswer,
  CallbackQueryRecord,
  ChatActionRecord,
  CommandSet,
  DraftRecord,
  InlineAnswer,
  InlineQueryRecord,
  ReactionRecord,
  RenderedResult,
  StoredFile,
} from "./state.js";
export type { UpdateRecord, UpdateStatus } from "./updates.js";
export type { WebhookAttempt, WebhookDeliveryOptions } from "./webhook.js";
export { parseTelegramHtml } from "./html.js";
export { findEntities } from "./entities.js";
export { CONFLICT_OTHER_GET_UPDATES } from "./updates.js";
