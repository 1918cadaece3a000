import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  type CallResult,
  data,
  errorOf,
  type Mailbox,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

const VERIFY = /Confirm your email address/;
const IN_USE = /Someone tried to use your email address/;
const RESET = /Reset your password/;

function tokenOf(link: string | undefined): string {
  const token = new URL(link ?? "").searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** A whole answer with the caller's own values (its id, username and the address it typed) replaced by placeholders. */
function shape(res: CallResult, own: Record<string, string>) {
  let body = JSON.stringify(res.body);
  for (const [name, value] of Object.entries(own)) body = body.split(value).join(`<${name}>`);
  return { status: res.status, body, cookies: res.setCookies.map((line) => line.split("=")[0]).sort() };
}

interface Me {
  id: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  pendingEmail: string | null;
}

describe.each(backends())("addresses that cannot be enumerated on %s", (backend) => {
  let smtp: Mailbox;
  let server: TestServer;
  let required: string;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      config: { smtpUrl: smtp.url, signup: "open", loginMaxFailures: 50 },
      app: { mailRetry: { pollMs: 100 } },
    });
    required = (await server.startAnother({ emailVerification: "required" })).url;
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function owner(username: string, email: string): Promise<string> {
    const id = await server.createUser(username, `${username}'s passphrase`);
    await server.app.services.users.attachEmail(id, email);
    return id;
  }

  async function signedIn(username: string) {
    const password = `${username}'s passphrase`;
    const id = await server.createUser(username, password);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, password)).status).toBe(200);
    return { browser, password, id };
  }

  it("user.updateProfile answers a taken address as a free one; the owner is told, the free address gets the link", async () => {
    await owner("holder", "Holder@example.org");
    const a = await signedIn("prober-a");
    const b = await signedIn("prober-b");
    const taken = await a.browser.mutation("user.updateProfile", {
      email: "HOLDER@example.org",
      currentPassword: a.password,
    });
    const free = await b.browser.mutation("user.updateProfile", {
      email: "nobody-yet@example.org",
      currentPassword: b.password,
    });
    expect(shape(taken, { id: a.id, username: "prober-a", address: "HOLDER@example.org" })).toEqual(
      shape(free, { id: b.id, username: "prober-b", address: "nobody-yet@example.org" }),
    );
    expect(taken.status).toBe(200);
    expect(data<Me>(taken)).toMatchObject({ email: null, pendingEmail: "HOLDER@example.org" });
    await smtp.waitFor("Holder@example.org", IN_USE);
    expect(smtp.matching("HOLDER@example.org", VERIFY)).toHaveLength(0);
    const link = (await smtp.waitFor("nobody-yet@example.org", VERIFY)).link;
    // Pending until the link is followed; then attached, confirmed.
    expect(data<Me>(await b.browser.query("user.me"))).toMatchObject({
      email: null,
      pendingEmail: "nobody-yet@example.org",
    });
    expect((await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: tokenOf(link) })).status).toBe(200);
    expect(data<Me>(await b.browser.query("user.me"))).toMatchObject({
      email: "nobody-yet@example.org",
      emailVerified: true,
      pendingEmail: null,
    });
    expect((await server.app.services.users.findByUsername("holder"))?.email).toBe("Holder@example.org");
  });

  it("a confirmation link for an address another account took meanwhile is LINK_INVALID", async () => {
    const first = await signedIn("racer-one");
    const second = await signedIn("racer-two");
    await first.browser.mutation("user.updateProfile", { email: "race@example.org", currentPassword: first.password });
    const firstLink = (await smtp.waitFor("race@example.org", VERIFY)).link;
    await second.browser.mutation("user.updateProfile", {
      email: "race@example.org",
      currentPassword: second.password,
    });
    const secondLink = (await smtp.waitFor("race@example.org", VERIFY, 2)).link;
    expect(
      (await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: tokenOf(secondLink) })).status,
    ).toBe(200);
    const late = await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: tokenOf(firstLink) });
    expect(errorOf(late).data.authCode).toBe("LINK_INVALID");
    expect(data<Me>(await first.browser.query("user.me")).email).toBeNull();
  });

  it("auth.signUp answers a taken address as a free one (body, status, cookie names); only a taken username is reported", async () => {
    await owner("signup-holder", "taken-at-signup@example.org");
    const takenBrowser = new TestBrowser(server.url);
    const taken = await takenBrowser.mutation("auth.signUp", {
      username: "newcomer-a",
      email: "taken-at-signup@example.org",
      password: "newcomer's passphrase",
    });
    const freeBrowser = new TestBrowser(server.url);
    const free = await freeBrowser.mutation("auth.signUp", {
      username: "newcomer-b",
      email: "free-at-signup@example.org",
      password: "newcomer's passphrase",
    });
    const idA = data<{ user: { id: string } }>(taken).user.id;
    const idB = data<{ user: { id: string } }>(free).user.id;
    const withoutExpiry = (res: CallResult) => ({
      ...res,
      body: { ...(res.body as object), result: { data: { ...data<object>(res), accessTokenExpiresAt: 0 } } },
    });
    expect(
      shape(withoutExpiry(taken), { id: idA, username: "newcomer-a", address: "taken-at-signup@example.org" }),
    ).toEqual(shape(withoutExpiry(free), { id: idB, username: "newcomer-b", address: "free-at-signup@example.org" }));
    expect(taken.status).toBe(200);
    await smtp.waitFor("taken-at-signup@example.org", IN_USE);
    expect(smtp.matching("taken-at-signup@example.org", VERIFY)).toHaveLength(0);
    await smtp.waitFor("free-at-signup@example.org", VERIFY);
    expect(data<Me>(await takenBrowser.query("user.me")).pendingEmail).toBe("taken-at-signup@example.org");
    expect(data<Me>(await freeBrowser.query("user.me")).pendingEmail).toBe("free-at-signup@example.org");

    const sameName = await new TestBrowser(server.url).mutation("auth.signUp", {
      username: "NEWCOMER-A",
      email: "another@example.org",
      password: "newcomer's passphrase",
    });
    expect(sameName.status).toBe(400);
    expect(errorOf(sameName).data.authCode).toBe("ACCOUNT_EXISTS");
    expect(errorOf(sameName).message).toMatch(/username/);
  });

  it("with EMAIL_VERIFICATION=required a taken and a free address get the same answer, and neither account signs in", async () => {
    await owner("required-holder", "required-taken@example.org");
    const taken = await new TestBrowser(required).mutation("auth.signUp", {
      username: "req-a",
      email: "required-taken@example.org",
      password: "req's passphrase",
    });
    const free = await new TestBrowser(required).mutation("auth.signUp", {
      username: "req-b",
      email: "required-free@example.org",
      password: "req's passphrase",
    });
    expect(shape(taken, { address: "required-taken@example.org" })).toEqual(
      shape(free, { address: "required-free@example.org" }),
    );
    expect(data(taken)).toEqual({ verificationRequired: true, email: "required-taken@example.org" });
    for (const username of ["req-a", "req-b"]) {
      const early = await new TestBrowser(required).login(username, "req's passphrase");
      expect(errorOf(early).data.authCode).toBe("EMAIL_NOT_VERIFIED");
    }
  });

  it("password reset by address finds only confirmed addresses", async () => {
    const pending = await signedIn("pending-reset");
    await pending.browser.mutation("user.updateProfile", {
      email: "pending-reset@example.org",
      currentPassword: pending.password,
    });
    await smtp.waitFor("pending-reset@example.org", VERIFY);
    const legacy = await server.createUser("legacy-unconfirmed", "legacy's passphrase");
    await server.app.services.users.updateProfile(legacy, { email: "legacy-unconfirmed@example.org" });
    await owner("confirmed-reset", "confirmed-reset@example.org");
    for (const email of [
      "pending-reset@example.org",
      "legacy-unconfirmed@example.org",
      "confirmed-reset@example.org",
    ]) {
      expect((await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email })).status).toBe(200);
    }
    await server.app.services.mailer.settle();
    await smtp.waitFor("confirmed-reset@example.org", RESET);
    expect(await server.app.services.tokens.pendingEmail(legacy, "legacy-unconfirmed@example.org")).toBeNull();
    const resetTokens = await server.database.db
      .selectFrom("account_tokens")
      .select("user_id")
      .where("purpose", "=", "password_reset")
      .where("user_id", "in", [legacy, pending.id])
      .execute();
    expect(resetTokens).toEqual([]);
  });

  it("a reset link mailed to the old address stops working once a new address is attached", async () => {
    const { browser, password, id } = await signedIn("mover");
    await server.app.services.users.attachEmail(id, "mover-old@example.org");
    await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email: "mover-old@example.org" });
    const resetLink = (await smtp.waitFor("mover-old@example.org", RESET)).link;
    await browser.mutation("user.updateProfile", { email: "mover-new@example.org", currentPassword: password });
    const verifyLink = (await smtp.waitFor("mover-new@example.org", VERIFY)).link;
    // Still the old address until the new one is confirmed: the reset link works so far.
    expect(await server.app.services.tokens.peek(tokenOf(resetLink), "password_reset")).toBeDefined();
    expect(
      (await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: tokenOf(verifyLink) })).status,
    ).toBe(200);
    await smtp.waitFor("mover-old@example.org", /Your email address was changed/);
    const stale = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token: tokenOf(resetLink),
      newPassword: "the thief's passphrase",
    });
    expect(errorOf(stale).data.authCode).toBe("LINK_INVALID");
    expect((await new TestBrowser(server.url).login("mover", password)).status).toBe(200);
  });

  it("changing or removing the address needs a recent proof or the current password; names alone do not", async () => {
    const { browser, password, id } = await signedIn("stolen-session");
    await server.app.services.users.attachEmail(id, "stolen@example.org");
    // A stolen session: its sign-in is older than STEP_UP_MAX_AGE, so it is no recent proof.
    await server.database.db
      .updateTable("sessions")
      .set({ auth_time: new Date(Date.now() - 3600_000) })
      .where("user_id", "=", id)
      .execute();
    const none = await browser.mutation("user.updateProfile", { email: "thief@example.org" });
    expect(none.status).toBe(403);
    expect(errorOf(none).data.authCode).toBe("STEP_UP_REQUIRED");
    const wrong = await browser.mutation("user.updateProfile", {
      email: "thief@example.org",
      currentPassword: "a guess",
    });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).data.authCode).toBe("CURRENT_PASSWORD_WRONG");
    const removed = await browser.mutation("user.updateProfile", { email: null });
    expect(errorOf(removed).data.authCode).toBe("STEP_UP_REQUIRED");
    await server.app.services.mailer.settle();
    expect(smtp.matching("thief@example.org", VERIFY)).toHaveLength(0);
    expect(data<Me>(await browser.query("user.me"))).toMatchObject({ email: "stolen@example.org", pendingEmail: null });
    expect((await browser.mutation("user.updateProfile", { firstName: "Still Me" })).status).toBe(200);
    // The same address in another case is no change of address.
    expect((await browser.mutation("user.updateProfile", { email: "STOLEN@example.org" })).status).toBe(200);
    const right = await browser.mutation("user.updateProfile", {
      email: "mine@example.org",
      currentPassword: password,
    });
    expect(right.status).toBe(200);
  });
});
