import { InvalidArgumentError } from "commander";

/** Commander parser for an option that takes a positive whole number ("--articles 1000"). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive whole number");
  return n;
}
