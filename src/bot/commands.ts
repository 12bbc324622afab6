import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Logger } from "../config/logger.js";
import { describeError } from "./send.js";

const USER_COMMANDS: Record<"id" | "en", BotCommand[]> = {
  id: [
    { command: "start", description: "Mulai dan lihat contoh pertanyaan" },
    { command: "ask", description: "Ajukan pertanyaan (di grup: /ask <pertanyaan>)" },
    { command: "sources", description: "Daftar artikel di basis pengetahuan" },
    { command: "help", description: "Cara memakai bot ini" },
  ],
  en: [
    { command: "start", description: "Start and see example questions" },
    { command: "ask", description: "Ask a question (in groups: /ask <question>)" },
    { command: "sources", description: "List the articles in the knowledge base" },
    { command: "help", description: "How to use this bot" },
  ],
};

const ADMIN_COMMANDS: Record<"id" | "en", BotCommand[]> = {
  id: [
    { command: "reload", description: "Admin: muat ulang folder pengetahuan" },
    { command: "add", description: "Admin: tambah dokumen dari tautan (/add <url>)" },
    { command: "remove", description: "Admin: hapus artikel" },
    { command: "stats", description: "Admin: statistik pertanyaan dan penilaian" },
    { command: "gaps", description: "Admin: pertanyaan yang ditolak atau hanya dijawab bagian terkait" },
  ],
  en: [
    { command: "reload", description: "Admin: re-read the knowledge folder" },
    { command: "add", description: "Admin: add a document from a link (/add <url>)" },
    { command: "remove", description: "Admin: remove an article" },
    { command: "stats", description: "Admin: question and feedback statistics" },
    { command: "gaps", description: "Admin: questions declined or answered with related passages only" },
  ],
};

/**
 * Command menus: the user commands for everyone (Indonesian by default, English for English clients), plus
 * the admin commands in each admin's private chat (BotCommandScopeChat). Setting a chat scope fails with
 * "chat not found" until that admin has opened the bot once; that is logged, not fatal.
 */
export async function setCommands(api: Api, adminIds: Iterable<number>, logger: Logger): Promise<void> {
  for (const lang of ["id", "en"] as const) {
    const language = lang === "en" ? { language_code: "en" as const } : {};
    await api.setMyCommands(USER_COMMANDS[lang], { scope: { type: "default" }, ...language });
    for (const adminId of adminIds) {
      try {
        await api.setMyCommands([...USER_COMMANDS[lang], ...ADMIN_COMMANDS[lang]], { scope: { type: "chat", chat_id: adminId }, ...language });
      } catch (error) {
        logger.warn({ admin: adminId, err: describeError(error) }, "could not set the admin command menu (has this admin opened the bot?)");
      }
    }
  }
}
