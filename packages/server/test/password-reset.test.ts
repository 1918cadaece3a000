import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createClock,
  data,
  errorOf,
  type Mailbox,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

const RESET = /Reset your password/;
const CHANGED = /Your password was changed/;

/**
 * A mail outbox sender's `onIdle`, as a promise: `drained()` resolves once a
 * round that began after the call has found nothing due, so every mail queued
 * before the call has been handed to SMTP (or put off for a retry). The first
 * idle round may have begun before the call; the second began after it.
 */
function outboxIdle() {
  let waiting: (() => void)[] = [];
  const idle = () => new Promise<void>((resolve) => waiting.push(resolve));
  return {
    onIdle() {
      const resolved = waiting;
      waiting = [];
      for (const resolve of resolved) resolve();
    },
    async drained(): Promise<void> {
      await idle();
      await idle();
    },
  };
}

function tokenOf(link: string | undefined): string {
  const token = new URL(link ?? "").searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

describe.each(backends())("password reset by mail through a real SMTP server on %s", (backend) => {
  const mailRetry = { pollMs: 100, backoffMs: 200, maxBackoffMs: 400 };
  const sender = outboxIdle();
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      config: { smtpUrl: smtp.url, mailFrom: "Tollgate <auth@example.org>", loginMaxFailures: 50 },
      app: { mailRetry: { ...mailRetry, onIdle: sender.onIdle } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function userWithEmail(username: string, email: string, password = `${username}'s old passphrase`) {
    const id = await server.createUser(username, password);
    // Reset finds only confirmed addresses.
    await server.app.services.users.attachEmail(id, email);
    return id;
  }

  const requestReset = (email: string) => new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email });

  it("mails a single-use link; the new password works, the old fails, every old session ends", async () => {
    await userWithEmail("wanda", "Wanda@Example.org");
    const earlier = new TestBrowser(server.url);
    expect((await earlier.login("wanda", "wanda's old passphrase")).status).toBe(200);

    const res = await requestReset("wanda@example.org");
    expect(res.status).toBe(200);
    expect(data(res)).toEqual({ ok: true });
    const mail = await smtp.waitFor("Wanda@Example.org", RESET);
    expect(mail.link).toMatch(new RegExp(`^${server.url}/reset-password\\?token=[\\w-]{43}$`));
    expect(mail.html).toContain("/reset-password?token=");
    const token = tokenOf(mail.link);

    const caller = new TestBrowser(server.url);
    const weak = await caller.mutation("auth.resetPassword", { token, newPassword: "password1" });
    expect(weak.status).toBe(400);
    expect(errorOf(weak).data.authCode).toBe("PASSWORD_POLICY");
    // A refused password does not use the link up.
    const done = await caller.mutation("auth.resetPassword", { token, newPassword: "wanda's new passphrase" });
    expect(done.status).toBe(200);
    // The answer says what user.me says: the address is confirmed (the page shows it so).
    expect(data<{ user: { username: string; emailVerified: boolean } }>(done).user).toMatchObject({
      username: "wanda",
      emailVerified: true,
    });
    // The session's three cookies, and the known-device cookie every completed sign-in sets.
    expect(done.setCookies.map((l) => l.split("=")[0]).sort()).toEqual([
      "access_token",
      "csrf_token",
      "known_device",
      "refresh_token",
    ]);
    expect((await caller.query("user.me")).status).toBe(200);
    // Following the link proved the address.
    expect(data<{ emailVerified: boolean }>(await caller.query("user.me")).emailVerified).toBe(true);

    expect((await earlier.mutation("auth.refresh")).status).toBe(401);
    expect((await new TestBrowser(server.url).login("wanda", "wanda's old passphrase")).status).toBe(401);
    expect((await new TestBrowser(server.url).login("wanda", "wanda's new passphrase")).status).toBe(200);
    await smtp.waitFor("Wanda@Example.org", CHANGED);

    const reused = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token,
      newPassword: "wanda's third passphrase",
    });
    expect(reused.status).toBe(400);
    expect(errorOf(reused).data.authCode).toBe("LINK_INVALID");
  });

  it("answers an unknown address exactly as a known one, and mails nothing", async () => {
    await userWithEmail("xena", "xena@example.org");
    const known = await requestReset("xena@example.org");
    const unknown = await requestReset("nobody@example.org");
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.setCookies).toEqual(known.setCookies);
    await smtp.waitFor("xena@example.org", RESET);
    // Whatever the requests queued (after their answers) is in the outbox, and the sender has been through it.
    await server.app.services.mailer.settle();
    await sender.drained();
    expect(smtp.matching("nobody@example.org", /./)).toEqual([]);
  });

  it("refuses a token of another purpose, a made-up one, and a reset inside a batch", async () => {
    const id = await userWithEmail("zoe", "zoe@example.org");
    const verification = await server.app.services.tokens.issue(id, "email_verification", "zoe@example.org");
    for (const token of [verification, "A".repeat(43), "not a token"]) {
      const res = await new TestBrowser(server.url).mutation("auth.resetPassword", {
        token,
        newPassword: "zoe's new passphrase",
      });
      expect(res.status).toBe(400);
      expect(errorOf(res).data.authCode).toBe("LINK_INVALID");
    }
    const batch = await fetch(`${server.url}/trpc/auth.resetPassword,auth.resetPassword?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ 0: { token: "a", newPassword: "b" }, 1: { token: "c", newPassword: "d" } }),
    });
    expect(batch.status).toBe(400);
  });

  it("rate-limits requests per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await requestReset("limited@example.org")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("SMTP down, then up across a restart: the mail waits in the outbox and is delivered once (two senders)", async () => {
    await userWithEmail("abel", "abel@example.org");
    await smtp.stop();
    expect((await requestReset("abel@example.org")).status).toBe(200);
    const outbox = server.database.db;
    await expect
      .poll(
        async () =>
          (
            await outbox
              .selectFrom("mail_outbox")
              .select(["attempts", "last_error"])
              .where("recipient", "=", "abel@example.org")
              .executeTakeFirst()
          )?.attempts ?? 0,
        { timeout: 5000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(2);
    // A restart: the instance that queued the mail stops; a new one, and a second beside it, race for the mail.
    await server.app.close();
    const senders = [outboxIdle(), outboxIdle()];
    for (const { onIdle } of senders) await server.startAnother({}, { mailRetry: { ...mailRetry, onIdle } });
    await smtp.start();
    await smtp.waitFor("abel@example.org", RESET);
    // Both senders have been through the outbox since: a second copy would have reached SMTP by now.
    await Promise.all(senders.map((s) => s.drained()));
    expect(smtp.matching("abel@example.org", RESET)).toHaveLength(1);
    // Sent mails are purged by maintenance a week later (their bodies hold links).
    const { mailer } = server.app.services;
    expect(await mailer.purgeSent(new Date(Date.now() - 60_000))).toBe(0);
    expect(await mailer.purgeSent(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
  });
});

/** Reset links as time passes (an injected clock: the outbox retry suite above needs real time). */
describe.each(backends())("reset links over time on %s", (backend) => {
  const clock = createClock();
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      clock,
      config: { smtpUrl: smtp.url, loginMaxFailures: 50 },
      app: { mailRetry: { pollMs: 100 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function userWithEmail(username: string, email: string) {
    const id = await server.createUser(username, `${username}'s old passphrase`);
    await server.app.services.users.attachEmail(id, email);
  }

  const requestReset = (email: string) => new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email });

  it("a request within 15 minutes of a live link mails nothing new, and that link still works", async () => {
    await userWithEmail("walt", "walt@example.org");
    await requestReset("walt@example.org");
    const first = tokenOf((await smtp.waitFor("walt@example.org", RESET)).link);
    clock.advance(14 * 60);
    await requestReset("WALT@example.org");
    await server.app.services.mailer.settle();
    const queued = await server.database.db
      .selectFrom("mail_outbox")
      .select("id")
      .where("recipient", "=", "walt@example.org")
      .execute();
    expect(queued).toHaveLength(1);
    const done = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token: first,
      newPassword: "walt's new passphrase",
    });
    expect(done.status).toBe(200);
    // Used: the next request mails a new link at once.
    await requestReset("walt@example.org");
    await smtp.waitFor("walt@example.org", RESET, 2);
  });

  it("a newer link voids the older; a password change voids every link", async () => {
    await userWithEmail("yuri", "yuri@example.org");
    await requestReset("yuri@example.org");
    const first = tokenOf((await smtp.waitFor("yuri@example.org", RESET)).link);
    // Within 15 minutes the live link is not replaced (the test above); after, a newer one is mailed.
    clock.advance(15 * 60);
    await requestReset("yuri@example.org");
    const second = tokenOf((await smtp.waitFor("yuri@example.org", RESET, 2)).link);
    const old = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token: first,
      newPassword: "yuri's new passphrase",
    });
    expect(errorOf(old).data.authCode).toBe("LINK_INVALID");

    const browser = new TestBrowser(server.url);
    await browser.login("yuri", "yuri's old passphrase");
    const changed = await browser.mutation("auth.changePassword", {
      currentPassword: "yuri's old passphrase",
      newPassword: "yuri's changed passphrase",
    });
    expect(changed.status).toBe(200);
    const voided = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token: second,
      newPassword: "yuri's new passphrase",
    });
    expect(errorOf(voided).data.authCode).toBe("LINK_INVALID");
  });
});
