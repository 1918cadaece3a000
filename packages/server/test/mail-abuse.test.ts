import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  type Mailbox,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

/**
 * Mail bombing: every mail goes through the mailer's per-recipient quota (5 an
 * hour, 20 a day per inbox, whatever sends it; security notices are never
 * counted, so the quota cannot cut an owner off), address changes are limited per account
 * and sign-ups per client network, and a mail to an address nobody confirmed
 * carries nothing its requester typed.
 */
describe.each(backends())("mail that cannot be abused on %s", (backend) => {
  const clock = createClock();
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
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

  it("a flood of reset requests from many networks mails one address at most 4 reset links an hour; the owner still gets a working link and the password-changed notice", async () => {
    const address = "flooded@example.org";
    const id = await server.createUser("flooded", "flooded's passphrase");
    await server.app.services.users.attachEmail(id, address);
    // An hour of requests as fast as the limits let through, each from a network of its own.
    let accepted = 0;
    for (let network = 1, elapsed = 0; elapsed < 3_600; network++) {
      const res = await new TestBrowser(server.url).mutation(
        "auth.requestPasswordReset",
        { email: address },
        { headers: { "x-forwarded-for": `198.${network % 250}.100.7` } },
      );
      const wait = res.status === 429 ? Number(res.headers.get("retry-after")) : 30;
      if (res.status === 200) accepted += 1;
      else expect(res.status).toBe(429);
      clock.advance(wait);
      elapsed += wait;
    }
    expect(accepted).toBeGreaterThan(12);
    // Only reset links have been mailed to this address so far.
    const flooded = await queuedFor(address);
    expect(flooded).toBeGreaterThan(0);
    expect(flooded).toBeLessThanOrEqual(4);
    // The owner asks 16 minutes after the last request: a new link comes, and it works.
    clock.advance(16 * 60);
    const own = await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email: address });
    expect(own.status).toBe(200);
    const mail = await smtp.waitFor(address, /Reset your password/, flooded + 1);
    const token = new URL(mail.link ?? "").searchParams.get("token");
    const reset = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token,
      newPassword: "flooded's new passphrase",
    });
    expect(reset.status).toBe(200);
    await smtp.waitFor(address, /Your password was changed/);
  });

  it("reset requests for one address sent all at once, from many networks, mail one link", async () => {
    const address = "rushed@example.org";
    const id = await server.createUser("rushed", "rushed's passphrase");
    await server.app.services.users.attachEmail(id, address);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        new TestBrowser(server.url).mutation(
          "auth.requestPasswordReset",
          { email: address },
          { headers: { "x-forwarded-for": `192.0.${n}.1` } },
        ),
      ),
    );
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await queuedFor(address)).toBe(1);
    // The one link mailed is the live one.
    const token = new URL((await smtp.waitFor(address, /Reset your password/)).link ?? "").searchParams.get("token");
    const reset = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token,
      newPassword: "rushed's new passphrase",
    });
    expect(reset.status).toBe(200);
  });

  it("a reset link the quota dropped does not hold back the next request: once the quota allows, it is mailed", async () => {
    const address = "dropped@example.org";
    const id = await server.createUser("dropped", "dropped's passphrase");
    await server.app.services.users.attachEmail(id, address);
    const filler = { to: address, subject: "s", text: "t", html: "<p>t</p>" };
    for (let i = 0; i < 5; i++) expect(await server.app.services.mailer.enqueue(filler)).toBe(true);
    clock.advance(55 * 60);
    await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email: address });
    expect(await queuedFor(address)).toBe(5);
    expect(await suppressedAudits(address)).toBe(1);
    // 6 minutes later the hour of the 5 mails is over; the dropped link was never seen, so a new one goes.
    clock.advance(6 * 60);
    await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email: address });
    expect(await queuedFor(address)).toBe(6);
    await smtp.waitFor(address, /Reset your password/);
  });

  it("security notices reach an owner whose quota others used up: password changed, address changed; counted mails stay dropped", async () => {
    const address = "noticed@example.org";
    const { browser, password } = await signedIn("noticed");
    const id = (await server.app.services.users.findByUsername("noticed"))?.id ?? "";
    await server.app.services.users.attachEmail(id, address);
    // Other accounts ask for the owner's address: "someone tried to use your address", 5 of them, then dropped.
    for (const attacker of [await signedIn("taker1"), await signedIn("taker2"), await signedIn("taker3")]) {
      for (let i = 0; i < 2; i++) {
        await attacker.browser.mutation("user.updateProfile", { email: address, currentPassword: attacker.password });
        await attacker.browser.mutation("user.updateProfile", { email: null, currentPassword: attacker.password });
      }
    }
    expect(await queuedFor(address)).toBe(5);
    expect(await suppressedAudits(address)).toBe(1);
    const changed = await browser.mutation("auth.changePassword", {
      currentPassword: password,
      newPassword: "noticed's new passphrase",
    });
    expect(changed.status).toBe(200);
    await smtp.waitFor(address, /Your password was changed/);
    const relogged = new TestBrowser(server.url);
    expect((await relogged.login("noticed", "noticed's new passphrase")).status).toBe(200);
    const moved = await relogged.mutation("user.updateProfile", {
      email: "noticed-elsewhere@example.org",
      currentPassword: "noticed's new passphrase",
    });
    expect(moved.status).toBe(200);
    const confirm = await smtp.waitFor("noticed-elsewhere@example.org", /Confirm your email address/);
    const token = new URL(confirm.link ?? "").searchParams.get("token");
    expect((await new TestBrowser(server.url).mutation("auth.verifyEmail", { token })).status).toBe(200);
    await smtp.waitFor(address, /Your email address was changed/);
    // A counted mail to the inbox is still dropped.
    const notices = { to: address, subject: "s", text: "t", html: "<p>t</p>" };
    expect(await server.app.services.mailer.enqueue(notices)).toBe(false);
    expect(await server.app.services.mailer.enqueue(notices, { kind: "notice" })).toBe(true);
  });

  it("second-factor notices reach an owner whose quota was used up: the lock mail with its unlock link, and recovery code used", async () => {
    const address = "factor-owner@example.org";
    const password = "factor owner's passphrase";
    const id = await server.createUser("factor-owner", password);
    await server.app.services.users.attachEmail(id, address);
    const browser = new TestBrowser(server.url);
    expect((await browser.login("factor-owner", password)).status).toBe(200);
    const { secret } = data<{ secret: string }>(await browser.mutation("auth.mfa.totp.begin", { password }));
    const confirm = await browser.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) });
    expect(confirm.status).toBe(200);
    const [recoveryCode] = data<{ recoveryCodes: string[] }>(confirm).recoveryCodes;
    clock.advance(90);
    const filler = { to: address, subject: "s", text: "t", html: "<p>t</p>" };
    for (let i = 0; i < 5; i++) expect(await server.app.services.mailer.enqueue(filler)).toBe(true);
    expect(await server.app.services.mailer.enqueue(filler)).toBe(false);
    // Ten wrong codes, three per pending sign-in: the factor locks and its owner is mailed the unlock link.
    const near = new Set([-30_000, 0, 30_000].map((d) => codeAt(secret, clock.now() + d)));
    const wrong = ["000000", "111111", "222222", "333333"].find((c) => !near.has(c)) as string;
    let pending = new TestBrowser(server.url);
    for (let i = 0; i < 10; i++) {
      if (i % 3 === 0) {
        pending = new TestBrowser(server.url);
        expect(data(await pending.login("factor-owner", password))).toMatchObject({ mfaRequired: true });
      }
      expect(errorOf(await pending.mutation("auth.mfa.verify", { code: wrong })).data.authCode).toBe(
        "MFA_CODE_INVALID",
      );
    }
    const locked = await smtp.waitFor(address, /Two-step sign-in locked/);
    expect(locked.link).toContain("/mfa-unlock");
    const owner = new TestBrowser(server.url);
    expect(data(await owner.login("factor-owner", password))).toMatchObject({ mfaRequired: true });
    expect((await owner.mutation("auth.mfa.verify", { recoveryCode })).status).toBe(200);
    await smtp.waitFor(address, /A recovery code was used to sign in/);
  });

  it("plus tags share their inbox's quota: 6 sign-ups and address changes to victim+1..6 queue at most 5 mails, each addressed as given", async () => {
    const addresses = [1, 2, 3, 4, 5, 6].map((n) => `plus-victim+${n}@example.org`);
    for (const [n, email] of addresses.slice(0, 3).entries()) {
      const res = await new TestBrowser(server.url).mutation(
        "auth.signUp",
        { username: `plus-signup${n}`, email, password: "plus's passphrase" },
        { headers: { "x-forwarded-for": `203.0.113.${100 + n}` } },
      );
      expect(res.status).toBe(200);
    }
    const { browser, password } = await signedIn("plus-changer");
    for (const email of addresses.slice(3)) {
      expect((await browser.mutation("user.updateProfile", { email, currentPassword: password })).status).toBe(200);
    }
    await server.app.services.mailer.settle();
    const rows = await server.database.db
      .selectFrom("mail_outbox")
      .select("recipient")
      .where("recipient", "in", addresses)
      .execute();
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.recipient).every((to) => addresses.includes(to))).toBe(true);
    expect(await suppressedAudits("plus-victim@example.org")).toBe(1);
  });

  it("Gmail dots and googlemail.com share the inbox's quota: 6 spellings of one Gmail inbox queue at most 5 mails", async () => {
    const { mailer } = server.app.services;
    const spellings = [
      "dotty.victim@gmail.com",
      "dottyvictim@gmail.com",
      "d.o.t.t.y.victim@gmail.com",
      "Dotty.Victim+news@gmail.com",
      "dottyvictim@googlemail.com",
      "dotty.victim+x@GoogleMail.com",
    ];
    const sent: boolean[] = [];
    for (const to of spellings) sent.push(await mailer.enqueue({ to, subject: "s", text: "t", html: "<p>t</p>" }));
    expect(sent).toEqual([true, true, true, true, true, false]);
    // Another domain keeps its dots: a different inbox.
    expect(await mailer.enqueue({ to: "dotty.victim@example.org", subject: "s", text: "t", html: "<p>t</p>" })).toBe(
      true,
    );
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
