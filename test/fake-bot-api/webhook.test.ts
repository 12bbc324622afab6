import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";
import { Api, Bot, webhookCallback } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeBotApi, type FakeBotApi } from "./index.js";

const TOKEN = "123456:ABC-fake-token";
const SECRET = "hook_secret-42";
const PUBLIC_URL = "https://bot.example.org/tg/hook?replica=any";

interface Received {
  at: number;
  path: string;
  secret: string | undefined;
  update: Update;
}

/** A webhook endpoint on loopback whose answer each test decides. */
async function receiver(answer: (update: Update, res: ServerResponse, attempt: number) => void): Promise<{ origin: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const attempts = new Map<number, number>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const update = JSON.parse(body) as Update;
      const attempt = (attempts.get(update.update_id) ?? 0) + 1;
      attempts.set(update.update_id, attempt);
      received.push({ at: Date.now(), path: req.url ?? "", secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined, update });
      answer(update, res, attempt);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ok = (res: ServerResponse): void => {
  res.writeHead(200, { "content-type": "application/json" }).end("{}");
};

let api: FakeBotApi | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  expect(api?.internalErrors()).toEqual([]);
  await api?.stop();
  api = undefined;
});

async function setUp(answer: Parameters<typeof receiver>[0], delivery: { timeoutMs?: number; retryBaseMs?: number } = {}) {
  const hook = await receiver(answer);
  cleanups.push(hook.close);
  api = await startFakeBotApi({ token: TOKEN, webhook: { origin: hook.origin, retryBaseMs: 100, retryMaxMs: 1_000, ...delivery } });
  const tg = new Api(TOKEN, { apiRoot: api.apiRoot });
  return { hook, tg, fake: api };
}

describe("webhook delivery", () => {
  it("POSTs each update to the webhook's path with the secret header; a 2xx confirms it; getUpdates is refused meanwhile", async () => {
    const { hook, tg, fake } = await setUp((_update, res) => ok(res));
    const sari = fake.privateChat({ id: 1001, first_name: "Sari" });
    await tg.setWebhook(PUBLIC_URL, { secret_token: SECRET });
    expect(await fake.waitForWebhook()).toBe(PUBLIC_URL);

    const first = await fake.sendUserMessage({ chat: sari, text: "Apa itu SPBE?" });
    const second = await fake.sendUserMessage({ chat: sari, text: "Siapa pengelolanya?" });
    await fake.waitForConfirmation();
    expect(hook.received.map((r) => [r.path, r.secret, r.update.message?.text])).toEqual([
      ["/tg/hook?replica=any", SECRET, first.text],
      ["/tg/hook?replica=any", SECRET, second.text],
    ]);
    expect(fake.webhookAttempts().map((a) => [a.status, a.outcome])).toEqual([
      [200, "confirmed"],
      [200, "confirmed"],
    ]);
    await expect(tg.getUpdates()).rejects.toThrow(/can't use getUpdates method while webhook is active/);
    expect((await tg.getWebhookInfo()).pending_update_count).toBe(0);
  });

  it("retries an update answered with an error, or not answered in time, with growing back-off", async () => {
    const { hook, tg, fake } = await setUp(
      (update, res, attempt) => {
        if (attempt === 1) res.writeHead(500).end("oops");
        else if (attempt === 2) return; // never answered: the delivery times out
        else ok(res);
      },
      { timeoutMs: 300 },
    );
    const sari = fake.privateChat({ id: 1001, first_name: "Sari" });
    await tg.setWebhook(PUBLIC_URL, { secret_token: SECRET });
    const sent = await fake.sendUserMessage({ chat: sari, text: "Apa itu SPBE?" });
    await fake.waitForConfirmation(undefined, { timeoutMs: 5_000 });
    const attempts = fake.webhookAttempts();
    expect(attempts.map((a) => [a.status ?? a.error, a.outcome])).toEqual([
      [500, "retry"],
      ["timeout", "retry"],
      [200, "confirmed"],
    ]);
    expect(hook.received.every((r) => r.update.message?.message_id === sent.message_id)).toBe(true);
    // Back-off: 100 ms after the first failure, 200 ms after the second (each measured from the failure).
    const gap = (i: number) => attempts[i + 1]!.at - (attempts[i]!.at + attempts[i]!.ms);
    expect(gap(0)).toBeGreaterThanOrEqual(90);
    expect(gap(1)).toBeGreaterThanOrEqual(190);
  });

  it("keeps one chat's updates in order, one at a time, while other chats are delivered in parallel", async () => {
    const held: ServerResponse[] = [];
    const { hook, tg, fake } = await setUp((update, res) => {
      if (update.message?.text === "A1") held.push(res);
      else ok(res);
    });
    const a = fake.privateChat({ id: 1001, first_name: "Ani" });
    const b = fake.privateChat({ id: 1002, first_name: "Budi" });
    await tg.setWebhook(PUBLIC_URL, { secret_token: SECRET });
    await fake.sendUserMessage({ chat: a, text: "A1" });
    await fake.sendUserMessage({ chat: a, text: "A2" });
    await fake.sendUserMessage({ chat: b, text: "B1" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A1 is still being handled: A2 waits for it, B1 does not.
    expect(hook.received.map((r) => r.update.message?.text)).toEqual(["A1", "B1"]);
    ok(held[0]!);
    await fake.waitForConfirmation();
    expect(hook.received.map((r) => r.update.message?.text)).toEqual(["A1", "B1", "A2"]);
  });

  it("deleteWebhook stops delivery; what is left is served by getUpdates", async () => {
    const { hook, tg, fake } = await setUp((_update, res) => res.writeHead(502).end());
    const sari = fake.privateChat({ id: 1001, first_name: "Sari" });
    await tg.setWebhook(PUBLIC_URL, { secret_token: SECRET });
    const sent = await fake.sendUserMessage({ chat: sari, text: "Apa itu SPBE?" });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(hook.received.length).toBeGreaterThan(0);
    await tg.deleteWebhook();
    const receivedWhenDeleted = hook.received.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(hook.received.length).toBe(receivedWhenDeleted);
    const updates = await tg.getUpdates();
    expect(updates.map((u) => u.message?.message_id)).toEqual([sent.message_id]);
  });

  it("drives a real grammY webhook handler: the bot's reply arrives; with a wrong secret it is refused and retried", async () => {
    // The endpoint must exist before the fake (which needs its origin), the bot after it (which needs its apiRoot).
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    api = await startFakeBotApi({ token: TOKEN, botUsername: "TanyaEgovBot", webhook: { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retryBaseMs: 100 } });
    const bot = new Bot(TOKEN, { client: { apiRoot: api.apiRoot } });
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await bot.init();
    const callback = webhookCallback(bot, "http", { secretToken: SECRET });
    handle = (req, res) => void callback(req, res);
    const sari = api.privateChat({ id: 1001, first_name: "Sari" });
    await bot.api.setWebhook(PUBLIC_URL, { secret_token: SECRET });
    await api.sendUserMessage({ chat: sari, text: "halo" });
    expect((await api.waitForBotMessage({ chat: sari })).text).toBe("echo: halo");

    await bot.api.setWebhook(PUBLIC_URL, { secret_token: "another-secret" });
    await api.sendUserMessage({ chat: sari, text: "lagi" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // grammY answers 401 to a wrong secret: the update is retried and never handled.
    expect(api.webhookAttempts().filter((a) => a.status === 401).length).toBeGreaterThan(1);
    expect(api.botMessages(sari).map((m) => m.text)).toEqual(["echo: halo"]);
    await bot.api.deleteWebhook();
  });
});
