/** A positive whole number from the environment (a suite's size knob), or the fallback when unset or invalid. */
export function positiveIntFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}
