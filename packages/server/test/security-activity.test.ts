import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TollgateEvent } from "../src/events/types.js";
import {
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  type Mailbox,
  middleOfTotpStep,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

// Security activity for users (auth.activity), events for apps
// (tollgate.events) and notices by mail (a new device, a sign-in method
// added or removed), over real HTTP and a real SMTP server.

const PASSWORD = "correct horse battery";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const SAFARI =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.0 Safari/605.1.15";

interface ActivityPage {
  events: { id: string; event: string; at: number; ip: string | null; device: string | null; detail: string | null }[];
  nextCursor: string | null;
}

describe.each(backends())("security activity, events and notices on %s", (backend) => {
  let clock: TestClock;
  let smtp: Mailbox;
  let server: TestServer;
  const seen: TollgateEvent[] = [];

  beforeAll(async () => {
    clock = createClock(middleOfTotpStep());
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      clock,
      config: { smtpUrl: smtp.url, loginMaxFailures: 100, trustProxy: true },
      app: { mailRetry: { pollMs: 50 } },
    });
    server.app.services.events.on("*", (event) => {
      seen.push(event);
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function userWithEmail(username: string): Promise<string> {
    const id = await server.createUser(username, PASSWORD);
    await server.app.services.users.attachEmail(id, `${username}@example.org`);
    return id;
  }

  /** A browser with its own user agent and client network. */
  function browserOn(userAgent: string, ip: string): TestBrowser {
    const browser = new TestBrowser(server.url);
    const request = browser.request.bind(browser);
    browser.request = (method, path, body, options = {}) =>
      request(method, path, body, {
        ...options,
        headers: { "user-agent": userAgent, "x-forwarded-for": ip, ...options.headers },
      });
    return browser;
  }

  const eventsOf = async (userId: string) => {
    await server.app.services.events.settle();
    return seen.filter((e) => "userId" in e.data && e.data.userId === userId);
  };

  it("auth.activity lists the account's own security events, newest first, with network and device", async () => {
    await userWithEmail("ada");
    await server.createUser("other", PASSWORD);
    const laptop = browserOn(FIREFOX, "198.51.100.10");
    expect(errorOf(await laptop.login("ada", "not the password")).data.authCode).toBe("INVALID_CREDENTIALS");
    expect((await laptop.login("ada", PASSWORD)).status).toBe(200);
    await new TestBrowser(server.url).login("other", PASSWORD);

    const page = data<ActivityPage>(await laptop.query("auth.activity"));
    expect(page.events.map((e) => e.event)).toEqual(["login_succeeded", "new_device", "login_failed"]);
    expect(page.events[0]).toMatchObject({
      ip: "198.51.100.10",
      device: "Firefox 140 on Linux",
      browser: "Firefox 140",
      os: "Linux",
    });
    expect(page.events[0]?.at).toBeGreaterThanOrEqual(page.events[1]?.at ?? 0);
    expect(page.nextCursor).toBeNull();
  });

  it("pages by cursor, 20 at a time, never repeating or skipping an event", async () => {
    await server.createUser("pager", PASSWORD);
    const browser = new TestBrowser(server.url);
    for (let i = 0; i < 24; i++) await browser.login("pager", "a wrong password");
    expect((await browser.login("pager", PASSWORD)).status).toBe(200);
    const first = data<ActivityPage>(await browser.query("auth.activity"));
    expect(first.events).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();
    const second = data<ActivityPage>(await browser.query("auth.activity", { cursor: first.nextCursor }));
    expect(second.nextCursor).toBeNull();
    const ids = [...first.events, ...second.events].map((e) => Number(e.id));
    expect(ids).toHaveLength(26);
    expect(new Set(ids).size).toBe(26);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(errorOf(await browser.query("auth.activity", { cursor: "'; drop table" })).data.authCode).toBe(
      "INPUT_INVALID",
    );
    expect(errorOf(await new TestBrowser(server.url).query("auth.activity")).data.httpStatus).toBe(401);
  });

  it("apps receive typed events: a refused sign-in, a session started on a new device, a session revoked", async () => {
    const id = await server.createUser("evan", PASSWORD);
    const browser = new TestBrowser(server.url);
    await browser.login("evan", "not it");
    expect((await browser.login("evan", PASSWORD)).status).toBe(200);
    expect((await browser.mutation("auth.logout")).status).toBe(200);
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(["signin.failed", "device.new", "session.started", "session.revoked"]);
    const started = events.find((e) => e.type === "session.started");
    expect(started).toMatchObject({ version: 1, client: { ip: "127.0.0.1" } });
    expect(started?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(events.find((e) => e.type === "session.revoked")?.data).toMatchObject({ reason: "logout" });
  });

  it("mails a sign-in from a new device (never the account's first), naming device and network; a known device is not mailed", async () => {
    await userWithEmail("nina");
    const first = browserOn(FIREFOX, "198.51.100.20");
    expect((await first.login("nina", PASSWORD)).status).toBe(200);
    const other = browserOn(SAFARI, "203.0.113.77");
    expect((await other.login("nina", PASSWORD)).status).toBe(200);
    const mail = await smtp.waitFor("nina@example.org", /New sign-in to your account/);
    expect(mail.text).toContain("Safari 19 on macOS");
    expect(mail.text).toContain("203.0.113.77");
    // The same two browsers again: both carry the account's device cookie now.
    expect((await first.login("nina", PASSWORD)).status).toBe(200);
    expect((await other.login("nina", PASSWORD)).status).toBe(200);
    await server.app.services.events.settle();
    await server.app.services.mailer.settle();
    expect(smtp.matching("nina@example.org", /New sign-in/)).toHaveLength(1);
  });

  it("mails when a second factor is turned on or off", async () => {
    const id = await userWithEmail("tom");
    const browser = new TestBrowser(server.url);
    expect((await browser.login("tom", PASSWORD)).status).toBe(200);
    const { secret } = data<{ secret: string }>(await browser.mutation("auth.mfa.totp.begin"));
    expect((await browser.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    const added = await smtp.waitFor("tom@example.org", /A sign-in method was added/);
    expect(added.text).toContain("An authenticator app (two-step sign-in) was added to the account tom");
    expect((await browser.mutation("auth.mfa.totp.disable", { password: PASSWORD })).status).toBe(200);
    await smtp.waitFor("tom@example.org", /A sign-in method was removed/);
    const types = (await eventsOf(id)).map((e) => e.type);
    expect(types).toContain("factor.added");
    expect(types).toContain("factor.removed");
  });

  it("a failing event handler is logged and changes nothing for the request", async () => {
    const stop = server.app.services.events.on("session.started", () => {
      throw new Error("an app's handler broke");
    });
    await server.createUser("hardy", PASSWORD);
    const browser = new TestBrowser(server.url);
    expect((await browser.login("hardy", PASSWORD)).status).toBe(200);
    await server.app.services.events.settle();
    stop();
    expect(data<{ username: string }>(await browser.query("user.me")).username).toBe("hardy");
  });
});
