import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A minimal load balancer on 127.0.0.1 in front of the replicas' webhook servers: requests go round-robin; a
 * replica that refuses the connection or drops it is skipped for `downForMs` (nginx's max_fails/fail_timeout)
 * and the request is answered 502, so the sender (Telegram, here the fake Bot API) retries it, now elsewhere.
 * It records which replica received each update, by update_id.
 */
export interface Backend {
  name: string;
  port: number;
}

export interface ProxyRecord {
  updateId: number | undefined;
  backend: string;
  status: number | "error";
  at: number;
}

export class RoundRobinProxy {
  readonly records: ProxyRecord[] = [];
  /** Requests being forwarded right now, per backend. */
  readonly inFlight = new Map<string, Set<number | undefined>>();
  private next = 0;
  private readonly downUntil = new Map<string, number>();
  private server!: Server;
  port = 0;

  constructor(
    private readonly backends: Backend[],
    private readonly downForMs = 2_000,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.forward(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The replica each update was last sent to (set when forwarding starts, before the replica answers). */
  private readonly routes = new Map<number, string>();

  backendOf(updateId: number): string | undefined {
    return this.routes.get(updateId);
  }

  private pick(): Backend {
    const now = Date.now();
    for (let i = 0; i < this.backends.length; i++) {
      const backend = this.backends[(this.next + i) % this.backends.length]!;
      if ((this.downUntil.get(backend.name) ?? 0) <= now) {
        this.next = (this.next + i + 1) % this.backends.length;
        return backend;
      }
    }
    // All marked down: try them in turn anyway.
    return this.backends[this.next++ % this.backends.length]!;
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let updateId: number | undefined;
    try {
      updateId = (JSON.parse(body.toString("utf8")) as { update_id?: number }).update_id;
    } catch {
      // not an update: forwarded all the same
    }
    const backend = this.pick();
    if (updateId !== undefined) this.routes.set(updateId, backend.name);
    const inFlight = this.inFlight.get(backend.name) ?? new Set();
    this.inFlight.set(backend.name, inFlight);
    inFlight.add(updateId);
    const done = (status: number | "error"): void => {
      inFlight.delete(updateId);
      this.records.push({ updateId, backend: backend.name, status, at: Date.now() });
    };
    const upstream = request({ host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers: { ...req.headers, "content-length": String(body.length) } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on("end", () => done(answer.statusCode ?? 502));
      answer.on("error", () => done("error"));
    });
    upstream.on("error", () => {
      this.downUntil.set(backend.name, Date.now() + this.downForMs);
      done("error");
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    upstream.end(body);
  }
}
