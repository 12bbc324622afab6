import type { BotContext, BotDeps } from "./types.js";

export function isAdmin(deps: Pick<BotDeps, "settings">, userId: number | undefined): boolean {
  return userId !== undefined && deps.settings.telegram.adminUserIds.has(userId);
}

/**
 * Whether the bot serves this update under ALLOWED_CHAT_IDS. Updates without a chat (inline queries, buttons
 * under inline messages) count as the user's private chat, whose id equals the user id. Admins are always
 * served in their private chat, so a restricted bot can still be administered.
 */
export function isAllowedHere(deps: Pick<BotDeps, "settings">, ctx: BotContext): boolean {
  const allowed = deps.settings.telegram.allowedChatIds;
  if (!allowed) return true;
  const chatId = ctx.chat?.id ?? ctx.from?.id;
  if (chatId !== undefined && allowed.has(chatId)) return true;
  const privateOrNoChat = ctx.chat === undefined || ctx.chat.type === "private";
  return privateOrNoChat && isAdmin(deps, ctx.from?.id);
}
