import { KNOWN_METHODS } from "../known-methods.js";
import { botMethods } from "./bot.js";
import type { MethodHandler } from "./context.js";
import { fileMethods } from "./files.js";
import { messageMethods } from "./messages.js";
import { queryMethods } from "./queries.js";

export type { HandlerOptions, MethodContext, MethodHandler } from "./context.js";
export { OkWithDescription } from "./context.js";

const HANDLERS: Record<string, MethodHandler> = {
  ...botMethods,
  ...messageMethods,
  ...queryMethods,
  ...fileMethods,
};

// Telegram matches method names case-insensitively ("sendmessage" works).
const BY_LOWER = new Map(Object.entries(HANDLERS).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));
const KNOWN_BY_LOWER = new Map(KNOWN_METHODS.map((name) => [name.toLowerCase(), name]));

export type MethodLookup =
  | { kind: "implemented"; name: string; handler: MethodHandler }
  | { kind: "not-modelled"; name: string }
  | { kind: "unknown"; name: string };

export function lookupMethod(requested: string): MethodLookup {
  const lower = requested.toLowerCase();
  const implemented = BY_LOWER.get(lower);
  if (implemented !== undefined) return { kind: "implemented", ...implemented };
  const known = KNOWN_BY_LOWER.get(lower);
  if (known !== undefined) return { kind: "not-modelled", name: known };
  return { kind: "unknown", name: requested };
}

export const IMPLEMENTED_METHODS: readonly string[] = Object.keys(HANDLERS);
