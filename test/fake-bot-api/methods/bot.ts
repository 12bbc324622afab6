import type { BotCommand, BotCommandScope } from "@grammyjs/types";
import { badRequest, TelegramError } from "../errors.js";
import { canonicalJson } from "../text.js";
import { OkWithDescription, type MethodContext, type MethodHandler } from "./context.js";

const getMe: MethodHandler = (ctx) => ctx.state.bot;

const getUpdates: MethodHandler = (ctx) => {
  if (ctx.state.webhook !== undefined) {
    throw new TelegramError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const allowed = ctx.params.json("allowed_updates", "can't parse allowed updates JSON object");
  if (allowed !== undefined && (!Array.isArray(allowed) || !allowed.every((t) => typeof t === "string"))) {
    throw badRequest("can't parse allowed updates JSON object");
  }
  return ctx.updates.getUpdates(
    {
      offset: ctx.params.int("offset"),
      limit: ctx.params.int("limit"),
      timeout: ctx.params.int("timeout"),
      ...(allowed === undefined ? {} : { allowedUpdates: allowed as string[] }),
    },
    ctx.signal,
  );
};

const deleteWebhook: MethodHandler = (ctx) => {
  if (ctx.params.bool("drop_pending_updates") === true) ctx.updates.dropPending("drop_pending_updates");
  const had = ctx.state.webhook !== undefined;
  ctx.state.webhook = undefined;
  // Stops a webhook delivery in progress (webhook.ts); what is left is served by getUpdates.
  ctx.state.changed();
  return new OkWithDescription(true, had ? "Webhook was deleted" : "Webhook is already deleted");
};

/** Delivered by webhook.ts when the harness has a `webhook` option; otherwise only recorded. */
const setWebhook: MethodHandler = (ctx) => {
  const url = ctx.params.string("url") ?? "";
  if (ctx.params.bool("drop_pending_updates") === true) ctx.updates.dropPending("drop_pending_updates");
  if (url === "") {
    ctx.state.webhook = undefined;
    ctx.state.changed();
    return new OkWithDescription(true, "Webhook was deleted");
  }
  if (!/^https:\/\/[^/\s]+/i.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  const secretToken = ctx.params.string("secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest("secret token contains unallowed characters");
  const maxConnections = ctx.params.int("max_connections") ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: max_connections must be between 1 and 100");
  const allowed = ctx.params.json("allowed_updates", "can't parse allowed updates JSON object");
  if (allowed !== undefined) {
    if (!Array.isArray(allowed) || !allowed.every((t) => typeof t === "string")) throw badRequest("can't parse allowed updates JSON object");
    ctx.updates.setAllowedUpdates(allowed as string[]);
  }
  ctx.state.webhook = { url, setAt: Date.now(), maxConnections, ...(secretToken === undefined ? {} : { secretToken }) };
  ctx.state.changed();
  ctx.updates.failWaiting(
    new TelegramError(409, "Conflict: terminated by setWebhook request"),
  );
  return new OkWithDescription(true, "Webhook was set");
};

const getWebhookInfo: MethodHandler = (ctx) => ({
  url: ctx.state.webhook?.url ?? "",
  has_custom_certificate: false,
  pending_update_count: ctx.updates.records().filter((r) => r.status === "queued" || r.status === "delivered").length,
});

const SCOPE_TYPES = new Set([
  "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators",
  "chat_member",
]);

function scopeOf(ctx: MethodContext): BotCommandScope {
  const scope = ctx.params.json("scope", "can't parse BotCommandScope JSON object") ?? { type: "default" };
  if (scope === null || typeof scope !== "object" || Array.isArray(scope)) {
    throw badRequest("can't parse BotCommandScope JSON object");
  }
  const s = scope as Record<string, unknown>;
  if (typeof s.type !== "string" || !SCOPE_TYPES.has(s.type)) throw badRequest("wrong bot command scope type specified");
  if (s.type.startsWith("chat")) {
    const chatId = s.chat_id;
    if ((typeof chatId !== "number" && typeof chatId !== "string") || ctx.state.findChat(chatId) === undefined) {
      throw badRequest("chat not found");
    }
  }
  return scope as BotCommandScope;
}

function languageOf(ctx: MethodContext): string {
  const code = ctx.params.string("language_code") ?? "";
  if (code !== "" && !/^[a-z]{2}$/.test(code)) throw badRequest("invalid language code specified");
  return code;
}

const commandKey = (scope: BotCommandScope, languageCode: string): string => `${canonicalJson(scope)}|${languageCode}`;

const setMyCommands: MethodHandler = (ctx) => {
  const commands = ctx.params.json("commands", "can't parse commands JSON object");
  if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
  if (commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
  for (const c of commands as unknown[]) {
    const command = (c as Partial<BotCommand> | null)?.command;
    const description = (c as Partial<BotCommand> | null)?.description;
    // Telegram wants the bare name: lowercase, digits, underscores, no leading "/".
    if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof description !== "string" || description.trim() === "" || [...description].length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  const scope = scopeOf(ctx);
  const languageCode = languageOf(ctx);
  const list = (commands as BotCommand[]).map(({ command, description }) => ({ command, description }));
  if (list.length === 0) ctx.state.commandSets.delete(commandKey(scope, languageCode));
  else ctx.state.commandSets.set(commandKey(scope, languageCode), { scope, languageCode, commands: list });
  ctx.state.changed();
  return true;
};

const getMyCommands: MethodHandler = (ctx) =>
  ctx.state.commandSets.get(commandKey(scopeOf(ctx), languageOf(ctx)))?.commands ?? [];

const deleteMyCommands: MethodHandler = (ctx) => {
  ctx.state.commandSets.delete(commandKey(scopeOf(ctx), languageOf(ctx)));
  ctx.state.changed();
  return true;
};

/** set/get pairs for simple per-language bot profile texts. */
function profileText(field: string, max: number): [MethodHandler, MethodHandler] {
  const set: MethodHandler = (ctx) => {
    const value = ctx.params.string(field) ?? "";
    if ([...value].length > max) throw badRequest(`${field} is too long`);
    ctx.state.botSettings.set(`${field}|${languageOf(ctx)}`, value);
    ctx.state.changed();
    return true;
  };
  const get: MethodHandler = (ctx) => ({
    [field]: (ctx.state.botSettings.get(`${field}|${languageOf(ctx)}`) as string | undefined) ?? (field === "name" ? ctx.state.bot.first_name : ""),
  });
  return [set, get];
}

const [setMyName, getMyName] = profileText("name", 64);
const [setMyDescription, getMyDescription] = profileText("description", 512);
const [setMyShortDescription, getMyShortDescription] = profileText("short_description", 120);

const setChatMenuButton: MethodHandler = (ctx) => {
  const button = ctx.params.json("menu_button", "can't parse menu button JSON object") ?? { type: "default" };
  ctx.state.botSettings.set(`menu_button|${ctx.params.string("chat_id") ?? ""}`, button);
  ctx.state.changed();
  return true;
};

const getChatMenuButton: MethodHandler = (ctx) =>
  ctx.state.botSettings.get(`menu_button|${ctx.params.string("chat_id") ?? ""}`) ?? { type: "commands" };

const getChat: MethodHandler = (ctx) => {
  const chat = ctx.state.findChat(ctx.params.chatId());
  if (chat === undefined) throw badRequest("chat not found");
  return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11 };
};

const ok: MethodHandler = () => true;

export const botMethods: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  logOut: ok,
  close: ok,
  deleteWebhook,
  setWebhook,
  getWebhookInfo,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setMyName,
  getMyName,
  setMyDescription,
  getMyDescription,
  setMyShortDescription,
  getMyShortDescription,
  setChatMenuButton,
  getChatMenuButton,
  getChat,
};
