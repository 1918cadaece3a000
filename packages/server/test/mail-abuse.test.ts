import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createClock,
  errorOf,
  startSmtpServer,
  startTestServer,
  TestBrowser,
  type TestServer,
  type TestSmtpServer,
} from "./support/index.js";

/**
 * Mail bombing: every mail goes through the mailer's per-recipient quota (5 an
 * hour, 20 a day, whatever sends it), address changes are limited per account
 * and sign-ups per client network, and a mail to an address nobody confirmed
 * carries nothing its requester typed.
 */
describe.each(backends())("mail that cannot be abused on %s", (backend) => {
  const clock = createClock();
  let smtp: TestSmtpServer;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer(backend, {
      clock,
      config: { smtpUrl: smtp.url, signup: "open", loginMaxFailures: 50, trustProxy: true },
      app: { mailRetry: { pollMs: 100 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function signedIn(username: string, names: { firstName?: string; lastName?: string } = {}) {
    const password = `${username}'s passphrase`;
    await server.createUser(username, password, names);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, password)).status).toBe(200);
    return { browser, password };
  }

  async function queuedFor(address: string): Promise<number> {
    await server.app.services.mailer.settle();
    const rows = await server.database.db
      .selectFrom("mail_outbox")
      .select("id")
      .where(sql<string>`lower(recipient)`, "=", address.toLowerCase())
      .execute();
    return rows.length;
  }

  async function suppressedAudits(address: string): Promise<number> {
    await server.app.services.audit.flush();
    const rows = await server.database.db
      .selectFrom("audit_events")
      .select("id")
      .where("event", "=", "mail_suppressed")
      .where("detail", "=", address.toLowerCase())
      .execute();
    return rows.length;
  }

  it("mails to one address stop at 5 an hour, whatever the route and however many accounts ask; the callers see no difference", async () => {
    const victim = "Victim.One@example.org";
    const attackers = [await signedIn("mallory1"), await signedIn("mallory2"), await signedIn("mallory3")];
    const answers: number[] = [];
    for (const { browser, password } of attackers) {
      for (let i = 0; i < 2; i++) {
        const address = i === 0 ? victim : victim.toUpperCase();
        const res = await browser.mutation("user.updateProfile", { email: address, currentPassword: password });
        answers.push(res.status);
        // Back to none, so the next request is a change again.
        await browser.mutation("user.updateProfile", { email: null, currentPassword: password });
      }
    }
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await queuedFor(victim)).toBe(5);
    expect(await suppressedAudits(victim)).toBe(1);
    // Reset requests to the same inbox count against the same quota.
    const id = await server.createUser("victim-one", "victim's passphrase");
    await server.app.services.users.attachEmail(id, "victim.one@example.org");
    const reset = await new TestBrowser(server.url).mutation("auth.requestPasswordReset", {
      email: "victim.one@example.org",
    });
    expect(reset.status).toBe(200);
    expect(await queuedFor(victim)).toBe(5);
    expect(await suppressedAudits(victim)).toBe(2);
    // An hour later the inbox may receive mail again.
    clock.advance(3_600);
    await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email: "victim.one@example.org" });
    expect(await queuedFor(victim)).toBe(6);
  });

  it("mails to one address stop at 20 a day", async () => {
    const { mailer } = server.app.services;
    const to = "daily@example.org";
    const mail = { to, subject: "s", text: "t", html: "<p>t</p>" };
    const sent: boolean[] = [];
    for (let hour = 0; hour < 5; hour++) {
      for (let i = 0; i < 5; i++) sent.push(await mailer.enqueue(mail));
      clock.advance(3_600);
    }
    expect(sent.filter(Boolean)).toHaveLength(20);
    expect(await queuedFor(to)).toBe(20);
    expect(sent.slice(20)).toEqual([false, false, false, false, false]);
  });

  it("a new address may be asked for 3 times an hour per account: then RATE_LIMITED with Retry-After", async () => {
    const { browser, password } = await signedIn("changer");
    for (let i = 1; i <= 3; i++) {
      const res = await browser.mutation("user.updateProfile", {
        email: `changer${i}@example.org`,
        currentPassword: password,
      });
      expect(res.status).toBe(200);
    }
    const fourth = await browser.mutation("user.updateProfile", {
      email: "changer4@example.org",
      currentPassword: password,
    });
    expect(fourth.status).toBe(429);
    expect(errorOf(fourth).data.authCode).toBe("RATE_LIMITED");
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await queuedFor("changer4@example.org")).toBe(0);
    // Names alone are never limited.
    expect((await browser.mutation("user.updateProfile", { firstName: "C" })).status).toBe(200);
    clock.advance(3_600);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    const later = await browser.mutation("user.updateProfile", {
      email: "changer4@example.org",
      currentPassword: password,
    });
    expect(later.status).toBe(200);
  });

  it("sign-ups from one client network stop at 10 an hour: RATE_LIMITED with Retry-After, and no account is made", async () => {
    const from = { headers: { "x-forwarded-for": "198.51.100.7" } };
    for (let i = 1; i <= 10; i++) {
      const res = await new TestBrowser(server.url).mutation(
        "auth.signUp",
        { username: `flood${i}`, email: `flood${i}@example.org`, password: "flood's passphrase" },
        from,
      );
      expect(res.status).toBe(200);
    }
    const eleventh = await new TestBrowser(server.url).mutation(
      "auth.signUp",
      { username: "flood11", email: "flood11@example.org", password: "flood's passphrase" },
      from,
    );
    expect(eleventh.status).toBe(429);
    expect(errorOf(eleventh).data.authCode).toBe("RATE_LIMITED");
    expect(Number(eleventh.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await server.app.services.users.findByUsername("flood11")).toBeUndefined();
    // Another network is not affected.
    const other = await new TestBrowser(server.url).mutation(
      "auth.signUp",
      { username: "elsewhere", email: "elsewhere@example.org", password: "elsewhere's passphrase" },
      { headers: { "x-forwarded-for": "203.0.113.9" } },
    );
    expect(other.status).toBe(200);
  });

  it("a mail to an unconfirmed address carries no name or username its requester chose", async () => {
    const lure = "Your account is locked, call +1 555 0100";
    const { browser, password } = await signedIn("lure-account", { firstName: lure, lastName: lure });
    await browser.mutation("user.updateProfile", { email: "target@example.org", currentPassword: password });
    await new TestBrowser(server.url).mutation("auth.signUp", {
      username: "call-555-0100-now",
      email: "target2@example.org",
      password: "lure's passphrase",
      firstName: lure,
    });
    for (const to of ["target@example.org", "target2@example.org"]) {
      const mail = await smtp.waitFor(to, /Confirm your email address/);
      for (const body of [mail.text, mail.html]) {
        expect(body).not.toContain("555");
        expect(body).not.toContain("lure-account");
        expect(body).toContain("an account");
      }
    }
  });
});

// Shared quotas need a shared store: runs when TEST_REDIS_URL is set (CI sets it), as rate-limit-redis.test.ts.
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)("the per-recipient mail quota shared through Redis", () => {
  let server: TestServer;
  let second: Awaited<ReturnType<TestServer["startAnother"]>>;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { config: { redisUrl } });
    second = await server.startAnother();
  });
  afterAll(() => server?.close());

  it("two instances together queue at most 5 mails an hour to one address", async () => {
    // A fresh address per run: Redis keeps its counts between runs.
    const to = `shared-${randomBytes(4).toString("hex")}@example.org`;
    const mail = { to, subject: "s", text: "t", html: "<p>t</p>" };
    const queued: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      queued.push(await server.app.services.mailer.enqueue(mail));
      queued.push(await second.app.services.mailer.enqueue(mail));
    }
    expect(queued.filter(Boolean)).toHaveLength(5);
    const rows = await server.database.db.selectFrom("mail_outbox").select("id").where("recipient", "=", to).execute();
    expect(rows).toHaveLength(5);
  });
});
