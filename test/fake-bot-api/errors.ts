import type { ResponseParameters } from "@grammyjs/types";

/**
 * An error the fake answers with, in the exact envelope Telegram uses.
 * Handlers throw these; the server turns them into `{ ok: false, ... }` with
 * the HTTP status equal to `error_code`, because grammY and the retry plugins
 * look at both.
 */
export class TelegramError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "TelegramError";
  }

  toJSON(): { ok: false; error_code: number; description: string; parameters?: ResponseParameters } {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters === undefined ? {} : { parameters: this.parameters }),
    };
  }
}

export function badRequest(reason: string): TelegramError {
  return new TelegramError(400, `Bad Request: ${reason}`);
}

export function forbidden(reason: string): TelegramError {
  return new TelegramError(403, `Forbidden: ${reason}`);
}

export const unauthorized = (): TelegramError => new TelegramError(401, "Unauthorized");
export const notFound = (): TelegramError => new TelegramError(404, "Not Found");

/**
 * Errors only the fake produces (a Telegram feature it does not model). The
 * prefix makes it obvious in a failing test that the fake, not the bot, is the
 * limit, so nobody "fixes" the bot for a rule Telegram does not have.
 */
export function fakeLimitation(reason: string): TelegramError {
  return new TelegramError(400, `Bad Request: [fake-bot-api] ${reason}`);
}
