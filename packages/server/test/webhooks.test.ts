import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { ConfigError, parseConfig } from "../src/config.js";
import { createWebhookStore, MAX_WEBHOOK_ATTEMPTS } from "../src/webhooks/webhook-store.js";
import {
  backends,
  createClock,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

// Outgoing webhooks over real HTTP: a receiver on a free port verifies each
// delivery with the `standardwebhooks` library; deliveries outlive a receiver
// that is down and a server restart (the outbox is in the database).

const PASSWORD = "correct horse battery";
const SECRET = `whsec_${randomBytes(32).toString("base64")}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: keeps what it is sent; `failing` answers 503 instead. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { failing: false, attempts: 0 };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      state.attempts++;
      if (state.failing) {
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Verifies a delivery as a receiver would (signature and timestamp), returning its parsed body. */
function verified(delivery: Received): { type: string; data: Record<string, unknown>; version: number } {
  const headers = {
    "webhook-id": String(delivery.headers["webhook-id"]),
    "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery.headers["webhook-signature"]),
  };
  return new Webhook(SECRET).verify(delivery.body, headers) as {
    type: string;
    data: Record<string, unknown>;
    version: number;
  };
}

describe.each(backends())("webhooks on %s", (backend) => {
  let clock: TestClock;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: TestServer;

  beforeAll(async () => {
    clock = createClock();
    receiver = await startReceiver();
    server = await startTestServer(backend, {
      clock,
      config: {
        loginMaxFailures: 100,
        webhook: { url: receiver.url, secret: SECRET, events: ["session.started", "signin.failed", "user.created"] },
      },
      app: { webhookRetry: { pollMs: 20, backoffMs: 1_000 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  const deliveriesOf = (type: string) => receiver.received.filter((d) => verified(d).type === type);

  it("posts each selected event signed per Standard Webhooks: the library's verifier accepts it, a changed byte fails it", async () => {
    const id = await server.createUser("hooked", PASSWORD);
    expect((await new TestBrowser(server.url).login("hooked", PASSWORD)).status).toBe(200);
    await expect.poll(() => deliveriesOf("session.started").length).toBe(1);
    const [delivery] = deliveriesOf("session.started");
    if (!delivery) throw new Error("no delivery");
    expect(verified(delivery)).toMatchObject({ type: "session.started", version: 1, data: { userId: id } });
    expect(delivery.headers["content-type"]).toBe("application/json");
    expect(() =>
      new Webhook(SECRET).verify(delivery.body.replace(id, "someone-else"), {
        "webhook-id": String(delivery.headers["webhook-id"]),
        "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
        "webhook-signature": String(delivery.headers["webhook-signature"]),
      }),
    ).toThrow();
    expect(() =>
      new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(
        delivery.body,
        delivery.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it("sends only the event types WEBHOOK_EVENTS names", async () => {
    await server.createUser("quiet", PASSWORD);
    const browser = new TestBrowser(server.url);
    expect((await browser.login("quiet", PASSWORD)).status).toBe(200);
    expect((await browser.mutation("auth.logout")).status).toBe(200);
    await expect.poll(() => deliveriesOf("session.started").length).toBe(2);
    await server.app.services.events.settle();
    expect(receiver.received.map((d) => verified(d).type)).not.toContain("session.revoked");
  });

  it("a receiver that is down gets the event once it is back, with the same webhook-id on every attempt", async () => {
    receiver.state.failing = true;
    const attemptsBefore = receiver.state.attempts;
    expect((await new TestBrowser(server.url).login("nobody-here", "wrong")).status).toBe(401);
    await expect.poll(() => receiver.state.attempts).toBeGreaterThan(attemptsBefore);
    const failedRow = () =>
      server.database.db
        .selectFrom("webhook_outbox")
        .selectAll()
        .where("event_type", "=", "signin.failed")
        .where("last_error", "is not", null)
        .executeTakeFirst();
    // The failed attempt is recorded once the receiver's answer is read.
    await expect.poll(async () => (await failedRow())?.last_error).toMatch(/503/);
    const row = await failedRow();
    if (!row) throw new Error("no failed attempt recorded");
    expect(row.delivered_at).toBeNull();
    receiver.state.failing = false;
    // The retry is due after the backoff, on the server's clock.
    clock.advance(2);
    await expect.poll(() => deliveriesOf("signin.failed").length).toBe(1);
    const [delivery] = deliveriesOf("signin.failed");
    expect(delivery?.headers["webhook-id"]).toBe(row.message_id);
    expect(verified(delivery as Received).data).toMatchObject({ userId: null });
  });

  it("a delivery that failed every try is abandoned: never claimed again, kept until the purge", async () => {
    const store = createWebhookStore(server.database.db, clock.now);
    await store.enqueue({ messageId: "msg-abandoned", eventType: "user.created", payload: "{}" });
    const row = await server.database.db
      .selectFrom("webhook_outbox")
      .select("id")
      .where("message_id", "=", "msg-abandoned")
      .executeTakeFirstOrThrow();
    // Held by a lease meanwhile, as if this instance were trying it: the running loop leaves it alone.
    await server.database.db
      .updateTable("webhook_outbox")
      .set({ attempts: MAX_WEBHOOK_ATTEMPTS - 1, next_attempt_at: new Date(clock.now() + 3_600_000) })
      .where("id", "=", row.id)
      .execute();
    await store.markFailed(String(row.id), "the receiver answered 500", new Date(clock.now()));
    expect((await store.claimDue(100, 60_000)).map((w) => w.messageId)).not.toContain("msg-abandoned");
    clock.advance(8 * 86_400);
    expect(await store.purgeFinished(new Date(clock.now() - 7 * 86_400_000))).toBeGreaterThanOrEqual(1);
  });

  it("events queued while the receiver is down survive a restart: another instance on the database delivers them", async () => {
    receiver.state.failing = true;
    const attemptsBefore = receiver.state.attempts;
    await server.createUser("restarted", PASSWORD);
    expect((await new TestBrowser(server.url).login("restarted", PASSWORD)).status).toBe(200);
    await expect.poll(() => receiver.state.attempts).toBeGreaterThan(attemptsBefore);
    const before = deliveriesOf("session.started").length;
    // This instance stops for good; the next one (same database, same settings) takes the outbox over.
    await server.app.close();
    receiver.state.failing = false;
    const next: { url: string; app: App } = await server.startAnother({}, { webhookRetry: { pollMs: 20 } });
    clock.advance(2);
    await expect.poll(() => deliveriesOf("session.started").length).toBe(before + 1);
    expect(next.url).toMatch(/^http:/);
  });
});

describe("webhook settings", () => {
  const base = { AUTH_SECRET: randomBytes(32).toString("base64url") };
  const refusal = (env: Record<string, string>) => {
    try {
      parseConfig({ ...base, ...env });
      return undefined;
    } catch (error) {
      return error instanceof ConfigError ? error.message : String(error);
    }
  };

  it("takes an https URL, a whsec_ secret and event types; http only to this machine", () => {
    const config = parseConfig({
      ...base,
      WEBHOOK_URL: "https://hooks.example.com/tollgate",
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_EVENTS: "session.started, account.locked",
    });
    expect(config.webhook).toEqual({
      url: "https://hooks.example.com/tollgate",
      secret: SECRET,
      events: ["session.started", "account.locked"],
    });
    expect(
      parseConfig({ ...base, WEBHOOK_URL: "http://127.0.0.1:9000/", WEBHOOK_SECRET: SECRET }).webhook?.events,
    ).toContain("admin.action");
    expect(parseConfig(base).webhook).toBeUndefined();
  });

  it("refuses each bad setting with one line naming it", () => {
    expect(refusal({ WEBHOOK_URL: "http://hooks.example.com/", WEBHOOK_SECRET: SECRET })).toMatch(
      /^Invalid configuration: WEBHOOK_URL must be an https:\/\/ URL/,
    );
    expect(refusal({ WEBHOOK_URL: "https://tollgate:hunter2@hooks.example.com/", WEBHOOK_SECRET: SECRET })).toMatch(
      /^Invalid configuration: WEBHOOK_URL must be an https:\/\/ URL \(http:\/\/ only to localhost\) without credentials/,
    );
    expect(refusal({ WEBHOOK_URL: "https://hooks.example.com/" })).toBe(
      "Invalid configuration: WEBHOOK_SECRET is required when WEBHOOK_URL is set",
    );
    expect(refusal({ WEBHOOK_URL: "https://hooks.example.com/", WEBHOOK_SECRET: "hunter2" })).toMatch(
      /^Invalid configuration: WEBHOOK_SECRET must be whsec_/,
    );
    expect(refusal({ WEBHOOK_URL: "https://hooks.example.com/", WEBHOOK_SECRET: "whsec_c2hvcnQ=" })).toBe(
      "Invalid configuration: WEBHOOK_SECRET must hold at least 24 random bytes",
    );
    expect(
      refusal({
        WEBHOOK_URL: "https://hooks.example.com/",
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_EVENTS: "session.started,user.exploded",
      }),
    ).toMatch(/^Invalid configuration: WEBHOOK_EVENTS must name event types/);
  });
});
