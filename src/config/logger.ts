import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs on stderr (stdout stays free for CLI output such as `ask --json`).
 * Anything that looks like a bot token is masked wherever it appears, including error messages and URLs.
 */
export function createLogger(level = "info", token?: string): Logger {
  const secrets = [token].filter((value): value is string => Boolean(value));
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ["token", "*.token", "config.token", "headers.authorization"], censor: "[redacted]" },
      hooks: {
        streamWrite: (line) => maskSecrets(line, secrets),
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

const TOKEN_PATTERN = /\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g;

export function maskSecrets(text: string, secrets: string[] = []): string {
  let masked = text.replace(TOKEN_PATTERN, "[redacted-token]");
  for (const secret of secrets) if (secret.length >= 8) masked = masked.split(secret).join("[redacted]");
  return masked;
}
