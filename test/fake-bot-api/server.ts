import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./body.js";
import { fakeLimitation, notFound, TelegramError, unauthorized } from "./errors.js";
import { NGINX_502_PAGE, type ActiveFault, type FaultController, type FaultKind } from "./faults.js";
import { lookupMethod, OkWithDescription, type HandlerOptions } from "./methods/index.js";
import { Params } from "./params.js";
import type { FakeState } from "./state.js";
import type { UpdateQueue } from "./updates.js";

/** One HTTP request the bot made, as seen by the fake. */
export interface CallRecord {
  /** Canonical Bot API method name ("file" for downloads, the raw path for unroutable requests). */
  method: string;
  params: Record<string, unknown>;
  files: { field: string; filename: string; mimeType: string; size: number }[];
  /** Arrival time, ms since epoch. */
  at: number;
  finishedAt?: number;
  httpStatus?: number;
  ok?: boolean;
  result?: unknown;
  errorCode?: number;
  description?: string;
  /** Set when an injected fault or the outage switch decided the outcome. */
  fault?: FaultKind | "down";
  outcome: "pending" | "answered" | "reset" | "stalled" | "client-aborted";
}

export interface ServerDeps {
  token: string;
  state: FakeState;
  updates: UpdateQueue;
  faults: FaultController;
  options: HandlerOptions;
  log?: (line: string) => void;
}

/**
 * HTTP front of the fake: routing (`/bot<token>/<method>`, `/file/bot<token>/<path>`),
 * the request log, fault application and the response envelope. Method
 * semantics live in ./methods.
 */
export class FakeServer {
  readonly calls: CallRecord[] = [];
  /** Exceptions that escaped a handler: bugs in the fake, never expected. */
  readonly internalErrors: Error[] = [];
  private readonly server: Server;
  private apiRootValue = "";

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    // grammY rejects an apiRoot with a trailing slash.
    this.apiRootValue = `http://${host}:${address.port}`;
  }

  get apiRoot(): string {
    return this.apiRootValue;
  }

  async stop(): Promise<void> {
    // Stalled and long-polling requests would otherwise keep close() waiting forever.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (file !== null) {
      this.serveFile(req, res, file[1]!, decodeURIComponent(file[2]!));
      return;
    }

    const route = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
    const lookup = route === null ? undefined : lookupMethod(route[2]!);
    const record: CallRecord = {
      method: lookup?.name ?? url.pathname,
      params: {},
      files: [],
      at: Date.now(),
      outcome: "pending",
    };
    this.calls.push(record);

    const disconnected = new AbortController();
    res.on("close", () => {
      if (res.writableFinished) return;
      disconnected.abort();
      if (record.outcome === "pending") record.outcome = "client-aborted";
      this.deps.state.changed();
    });

    let params = new Params({});
    let bodyError: unknown;
    try {
      const body = await readBody(req, url);
      params = new Params(body.params, body.files);
      record.params = body.params;
      record.files = [...body.files.values()].map((f) => ({
        field: f.field,
        filename: f.filename,
        mimeType: f.mimeType,
        size: f.data.length,
      }));
    } catch (err) {
      bodyError = err;
    }

    try {
      if (this.deps.faults.isDown) {
        record.fault = "down";
        this.sendGatewayError(res, record, this.deps.faults.downAsHtml);
        return;
      }
      if (route === null || lookup === undefined) throw notFound();
      if (route[1] !== this.deps.token) throw unauthorized();
      if (lookup.kind === "unknown") throw notFound();
      if (lookup.kind === "not-modelled") {
        throw fakeLimitation(`method ${lookup.name} exists in the Bot API but is not modelled by the fake`);
      }
      if (bodyError !== undefined) throw bodyError;

      const fault = this.deps.faults.take(lookup.name, params.raw);
      if (fault !== undefined && this.applyFault(req, res, record, fault, "before")) return;

      const result = await lookup.handler({
        method: lookup.name,
        params,
        signal: disconnected.signal,
        state: this.deps.state,
        updates: this.deps.updates,
        options: this.deps.options,
      });

      if (fault !== undefined && this.applyFault(req, res, record, fault, "after")) {
        // The method ran; only its response is lost.
        record.result = result instanceof OkWithDescription ? result.result : result;
        return;
      }
      if (result instanceof OkWithDescription) this.sendOk(res, record, result.result, result.description);
      else this.sendOk(res, record, result);
    } catch (err) {
      if (err instanceof TelegramError) {
        if (err.errorCode === 502 && this.deps.faults.isDown) {
          // A long poll cut short by the outage switch is part of the outage.
          record.fault = "down";
          this.sendGatewayError(res, record, this.deps.faults.downAsHtml);
          return;
        }
        this.sendError(res, record, err);
        return;
      }
      const error = err instanceof Error ? err : new Error(String(err));
      this.internalErrors.push(error);
      console.error(`[fake-bot-api] internal error in ${record.method}:`, error);
      this.sendError(res, record, new TelegramError(500, "Internal Server Error"));
    }
  }

  /** Returns true when the fault took over the response. */
  private applyFault(
    req: IncomingMessage,
    res: ServerResponse,
    record: CallRecord,
    fault: ActiveFault,
    phase: "before" | "after",
  ): boolean {
    const httpFault = fault.kind === "429" || fault.kind === "500" || fault.kind === "502";
    if (httpFault ? phase !== "before" : fault.when !== phase) return false;
    record.fault = fault.kind;
    switch (fault.kind) {
      case "429":
        this.sendError(
          res,
          record,
          new TelegramError(429, fault.description ?? `Too Many Requests: retry after ${fault.retryAfter}`, {
            retry_after: fault.retryAfter,
          }),
        );
        return true;
      case "500":
        this.sendError(res, record, new TelegramError(500, fault.description ?? "Internal Server Error"));
        return true;
      case "502":
        if (fault.html) this.sendGatewayError(res, record, true);
        else this.sendError(res, record, new TelegramError(502, fault.description ?? "Bad Gateway"));
        return true;
      case "reset":
        record.outcome = "reset";
        record.finishedAt = Date.now();
        req.socket.destroy();
        this.deps.state.changed();
        return true;
      case "stall":
        // Never answered; the connection dies with the client's timeout or stop().
        record.outcome = "stalled";
        this.deps.state.changed();
        return true;
    }
  }

  private serveFile(req: IncomingMessage, res: ServerResponse, token: string, path: string): void {
    const record: CallRecord = { method: "file", params: { file_path: path }, files: [], at: Date.now(), outcome: "pending" };
    this.calls.push(record);
    req.resume();
    if (this.deps.faults.isDown) {
      record.fault = "down";
      this.sendGatewayError(res, record, this.deps.faults.downAsHtml);
      return;
    }
    const stored = token === this.deps.token ? this.deps.state.fileByPath(path) : undefined;
    if (stored === undefined) {
      this.sendError(res, record, notFound());
      return;
    }
    record.ok = true;
    record.httpStatus = 200;
    record.outcome = "answered";
    record.finishedAt = Date.now();
    res.writeHead(200, {
      "content-type": stored.mimeType ?? "application/octet-stream",
      "content-length": stored.data.length,
    });
    res.end(stored.data);
    this.deps.state.changed();
  }

  private sendOk(res: ServerResponse, record: CallRecord, result: unknown, description?: string): void {
    record.ok = true;
    record.result = result;
    this.write(res, record, 200, JSON.stringify({ ok: true, result, ...(description === undefined ? {} : { description }) }));
  }

  private sendError(res: ServerResponse, record: CallRecord, error: TelegramError): void {
    record.ok = false;
    record.errorCode = error.errorCode;
    record.description = error.description;
    this.write(res, record, error.errorCode, JSON.stringify(error.toJSON()));
  }

  private sendGatewayError(res: ServerResponse, record: CallRecord, html: boolean): void {
    if (!html) {
      this.sendError(res, record, new TelegramError(502, "Bad Gateway"));
      return;
    }
    record.ok = false;
    record.errorCode = 502;
    record.description = "Bad Gateway (nginx HTML page)";
    this.write(res, record, 502, NGINX_502_PAGE, "text/html");
  }

  private write(res: ServerResponse, record: CallRecord, status: number, body: string, type = "application/json"): void {
    record.finishedAt = Date.now();
    if (res.writableEnded || res.destroyed) {
      // Nobody is listening any more (client aborted); nothing was delivered.
      if (record.outcome === "pending") record.outcome = "client-aborted";
      this.deps.state.changed();
      return;
    }
    record.httpStatus = status;
    if (record.outcome === "pending") record.outcome = "answered";
    this.deps.log?.(
      `${record.method} -> ${status}${record.description === undefined ? "" : ` ${record.description}`}`,
    );
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
    // Lets waitForCall and friends see the finished request.
    this.deps.state.changed();
  }
}
