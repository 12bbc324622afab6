/*
 * Fault injection: makes the next N matching requests fail the way Telegram or
 * the network fails in production, so reliability code (retries, back-off,
 * idempotency, outage recovery) can be exercised deterministically.
 */

export type FaultKind =
  /** HTTP 429 "Too Many Requests: retry after N" with parameters.retry_after. */
  | "429"
  /** HTTP 500 "Internal Server Error". */
  | "500"
  /** HTTP 502 "Bad Gateway" (JSON, or nginx's HTML page with `html: true`). */
  | "502"
  /** The TCP connection is destroyed without any response. */
  | "reset"
  /** The request is never answered; the client has to time out. */
  | "stall";

export interface FaultSpec {
  /** Method name(s), case-insensitive; omit or "*" for every method, getUpdates included. */
  method?: string | readonly string[];
  kind: FaultKind;
  /** How many matching requests fail; default 1. `Infinity` until cleared. */
  times?: number;
  /** Seconds for 429; default 1. */
  retryAfter?: number;
  /** Replaces the default description of 429/500/502. */
  description?: string;
  /**
   * For "reset"/"stall": "before" (default) fails before the method runs, so
   * nothing happened; "after" runs it (the message IS sent) and then loses the
   * response, which is how duplicate sends after retries are born.
   */
  when?: "before" | "after";
  /** For "502": answer with nginx's HTML error page, which grammY cannot parse as JSON. */
  html?: boolean;
  /** Only requests whose parameters satisfy this (e.g. one chat) are affected. */
  match?: (params: Readonly<Record<string, unknown>>) => boolean;
}

export interface FaultHandle {
  readonly spec: Readonly<FaultSpec>;
  /** Requests this fault has been applied to so far. */
  readonly hits: number;
  readonly remaining: number;
  clear(): void;
}

export interface ActiveFault {
  kind: FaultKind;
  when: "before" | "after";
  retryAfter: number;
  description?: string;
  html: boolean;
}

class Rule implements FaultHandle {
  hits = 0;
  constructor(
    readonly spec: Readonly<FaultSpec>,
    private readonly remove: (rule: Rule) => void,
  ) {}
  get remaining(): number {
    return Math.max(0, (this.spec.times ?? 1) - this.hits);
  }
  clear(): void {
    this.remove(this);
  }
  matches(method: string, params: Readonly<Record<string, unknown>>): boolean {
    const m = this.spec.method;
    const methods = m === undefined ? ["*"] : typeof m === "string" ? [m] : m;
    const lower = method.toLowerCase();
    if (!methods.some((x) => x === "*" || x.toLowerCase() === lower)) return false;
    return this.spec.match === undefined || this.spec.match(params);
  }
}

export class FaultController {
  private rules: Rule[] = [];
  private down = false;
  private downHtml = false;
  private readonly downListeners = new Set<() => void>();

  inject(spec: FaultSpec): FaultHandle {
    const rule = new Rule(spec, (r) => {
      this.rules = this.rules.filter((x) => x !== r);
    });
    this.rules.push(rule);
    return rule;
  }

  /** Consumes and returns the first fault that applies to this request, if any. */
  take(method: string, params: Readonly<Record<string, unknown>>): ActiveFault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && r.matches(method, params));
    if (rule === undefined) return undefined;
    rule.hits++;
    if (rule.remaining === 0) rule.clear();
    return {
      kind: rule.spec.kind,
      when: rule.spec.when ?? "before",
      retryAfter: rule.spec.retryAfter ?? 1,
      ...(rule.spec.description === undefined ? {} : { description: rule.spec.description }),
      html: rule.spec.html ?? false,
    };
  }

  /**
   * Simulates a Telegram outage: every request, including file downloads and
   * long polls already waiting, gets 502 until `setDown(false)`.
   */
  setDown(down: boolean, options: { html?: boolean } = {}): void {
    this.down = down;
    this.downHtml = options.html ?? false;
    if (down) for (const listener of this.downListeners) listener();
  }

  get isDown(): boolean {
    return this.down;
  }

  get downAsHtml(): boolean {
    return this.downHtml;
  }

  onDown(listener: () => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  pending(): FaultHandle[] {
    return [...this.rules];
  }

  clear(): void {
    this.rules = [];
    this.setDown(false);
  }
}

export const NGINX_502_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
  "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";
