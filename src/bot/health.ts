import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../config/logger.js";
import { listen } from "../util/listen.js";
import type { BotMetrics } from "./metrics.js";

/** One readiness condition: a name for the report and a check that never throws. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export interface HealthEndpoints {
  /** Without metrics, /metrics is not served. */
  metrics?: BotMetrics;
  readiness: ReadinessCheck[];
}

async function readiness(checks: ReadinessCheck[]): Promise<{ ready: boolean; report: string }> {
  const results = await Promise.all(checks.map(async ({ name, check }) => [name, await Promise.resolve(check()).catch(() => false)] as const));
  return { ready: results.every(([, ok]) => ok), report: results.map(([name, ok]) => `${name}: ${ok ? "ok" : "not ready"}`).join("\n") };
}

/**
 * Serves GET /healthz (the process is alive and taking work), /readyz (every readiness check passes: index
 * loaded, Redis reachable when configured) and /metrics (Prometheus text). Returns false for any other request
 * so the webhook server can handle it. `alive` is false while the process is stopping.
 */
export function handleHealthRequest(endpoints: HealthEndpoints, req: IncomingMessage, res: ServerResponse, alive: () => boolean = () => true): boolean {
  if (req.method !== "GET") return false;
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === "/healthz") {
    const ok = alive();
    res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "stopping\n");
    return true;
  }
  if (pathname === "/readyz") {
    void readiness(endpoints.readiness).then(({ ready, report }) => {
      const ok = ready && alive();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(`${alive() ? report : "stopping"}\n`);
    });
    return true;
  }
  const metrics = endpoints.metrics;
  if (pathname === "/metrics" && metrics) {
    metrics.text().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
    return true;
  }
  return false;
}

/** METRICS_PORT in long-polling mode: the same endpoints on their own server (webhook mode serves them on PORT). */
export async function startHealthServer(endpoints: HealthEndpoints, port: number, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    if (!handleHealthRequest(endpoints, req, res)) res.writeHead(404).end();
  });
  logger.info({ port: await listen(server, port) }, "metrics and health endpoints started");
  return server;
}
