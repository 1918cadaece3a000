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

const VERIFY = /Confirm your email address/;

function tokenOf(link: string | undefined): string {
  const token = new URL(link ?? "").searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

describe.each(backends())("sign-up and email verification through a real SMTP server on %s", (backend) => {
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

  const signUp = (url: string, input: Record<string, unknown>) => {
    const browser = new TestBrowser(url);
    return { browser, res: browser.mutation("auth.signUp", input) };
  };

  it("signs up and in; the mailed link verifies the address, once", async () => {
    const { browser, res } = signUp(server.url, {
      username: "dora",
      email: "Dora@Example.org",
      password: "dora's passphrase",
      firstName: "Dora",
    });
    const answer = await res;
    expect(answer.status).toBe(200);
    expect(data<{ user: { username: string } }>(answer).user.username).toBe("dora");
    // Pending, not attached, until the link is followed.
    const me = data<{ email: string; emailVerified: boolean; firstName: string }>(await browser.query("user.me"));
    expect(me).toMatchObject({
      email: null,
      pendingEmail: "Dora@Example.org",
      emailVerified: false,
      firstName: "Dora",
    });

    const mail = await smtp.waitFor("Dora@Example.org", VERIFY);
    expect(mail.link).toMatch(new RegExp(`^${server.url}/verify-email\\?token=[\\w-]{43}$`));
    const token = tokenOf(mail.link);
    const verified = await new TestBrowser(server.url).mutation("auth.verifyEmail", { token });
    expect(verified.status).toBe(200);
    expect(data<{ emailVerified: boolean }>(await browser.query("user.me"))).toMatchObject({
      email: "Dora@Example.org",
      emailVerified: true,
    });
    const again = await new TestBrowser(server.url).mutation("auth.verifyEmail", { token });
    expect(errorOf(again).data.authCode).toBe("LINK_INVALID");
  });

  it("with EMAIL_VERIFICATION=required: no session until the link is followed; sign-in says why", async () => {
    const { res } = signUp(required, { username: "emil", email: "emil@example.org", password: "emil's passphrase" });
    const answer = await res;
    expect(answer.status).toBe(200);
    expect(data(answer)).toEqual({ verificationRequired: true, email: "emil@example.org" });
    expect(answer.setCookies).toEqual([]);
    const early = await new TestBrowser(required).login("emil", "emil's passphrase");
    expect(early.status).toBe(403);
    expect(errorOf(early).data.authCode).toBe("EMAIL_NOT_VERIFIED");
    // A wrong password is told nothing more.
    expect(errorOf(await new TestBrowser(required).login("emil", "wrong one")).data.authCode).toBe(
      "INVALID_CREDENTIALS",
    );
    const token = tokenOf((await smtp.waitFor("emil@example.org", VERIFY)).link);
    expect((await new TestBrowser(required).mutation("auth.verifyEmail", { token })).status).toBe(200);
    expect((await new TestBrowser(required).login("emil", "emil's passphrase")).status).toBe(200);
  });

  // An address in use is no longer ACCOUNT_EXISTS (that told anyone which addresses have accounts): only a taken username is.
  it("a username in use is ACCOUNT_EXISTS naming the username; an address in use is answered as a free one", async () => {
    const byName = await signUp(server.url, {
      username: "DORA",
      email: "other@example.org",
      password: "x's passphrase",
    }).res;
    expect(byName.status).toBe(400);
    expect(errorOf(byName).data.authCode).toBe("ACCOUNT_EXISTS");
    expect(errorOf(byName).message).toBe("That username is taken");
    const byEmail = await signUp(server.url, {
      username: "fritz",
      email: "dora@example.ORG",
      password: "x's passphrase",
    }).res;
    expect(byEmail.status).toBe(200);
    await smtp.waitFor("Dora@Example.org", /Someone tried to use your email address/);
  });

  it("applies the password policy, naming the rule", async () => {
    const common = await signUp(server.url, { username: "gus", email: "gus@example.org", password: "iloveyou1" }).res;
    expect(errorOf(common).data.authCode).toBe("PASSWORD_POLICY");
    expect(errorOf(common).data.passwordRule).toBe("common");
    const same = await signUp(server.url, { username: "gus", email: "gus@example.org", password: "GUS@example.org" })
      .res;
    expect(errorOf(same).message).toBe("The password must not be the email address");
    // Which rule, for a page to say in its own language.
    expect(errorOf(same).data.passwordRule).toBe("same_as_email");
  });

  it("auth.requestEmailVerification mails a new link; a changed address is re-verified and the old one told", async () => {
    const { browser, res } = signUp(server.url, {
      username: "hana",
      email: "hana@example.org",
      password: "hana's passphrase",
    });
    expect((await res).status).toBe(200);
    await smtp.waitFor("hana@example.org", VERIFY);
    expect((await browser.mutation("auth.requestEmailVerification")).status).toBe(200);
    const second = tokenOf((await smtp.waitFor("hana@example.org", VERIFY, 2)).link);
    expect((await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: second })).status).toBe(200);
    // A new address needs the password (a stolen session must not move it), then pends until its link is followed.
    const change = await browser.mutation("user.updateProfile", {
      email: "hana@example.net",
      currentPassword: "hana's passphrase",
    });
    expect(change.status).toBe(200);
    const fresh = tokenOf((await smtp.waitFor("hana@example.net", VERIFY)).link);
    expect((await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: fresh })).status).toBe(200);
    await smtp.waitFor("hana@example.org", /Your email address was changed/);
    expect(data<{ emailVerified: boolean }>(await browser.query("user.me"))).toMatchObject({
      email: "hana@example.net",
      emailVerified: true,
    });
    // A link for the old address no longer verifies anything.
    expect(
      errorOf(await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: second })).data.authCode,
    ).toBe("LINK_INVALID");
  });
});

describe.each(backends())("an account that owes a confirmed address is never stuck on %s", (backend) => {
  const clock = createClock();
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      clock,
      config: { smtpUrl: smtp.url, signup: "open", emailVerification: "required", loginMaxFailures: 50 },
      app: { mailRetry: { pollMs: 100 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  it("signing in with the right password after the link expired mails a fresh one; while a link is live, none", async () => {
    const password = "lena's passphrase";
    const signedUp = await new TestBrowser(server.url).mutation("auth.signUp", {
      username: "lena",
      email: "lena@example.org",
      password,
    });
    expect(signedUp.status).toBe(200);
    const first = await smtp.waitFor("lena@example.org", VERIFY);
    // A live link: the sign-in says why, and mails nothing new.
    const early = await new TestBrowser(server.url).login("lena", password);
    expect(errorOf(early).data.authCode).toBe("EMAIL_NOT_VERIFIED");
    await server.app.services.mailer.settle();
    clock.advance(24 * 3600 + 1);
    // The link expired: the next sign-in with the right password mails a fresh one.
    const late = await new TestBrowser(server.url).login("lena", password);
    expect(errorOf(late).data.authCode).toBe("EMAIL_NOT_VERIFIED");
    const second = await smtp.waitFor("lena@example.org", VERIFY, 2);
    expect(smtp.matching("lena@example.org", VERIFY)).toHaveLength(2);
    const expired = await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: tokenOf(first.link) });
    expect(errorOf(expired).data.authCode).toBe("LINK_INVALID");
    const confirmed = await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: tokenOf(second.link) });
    expect(confirmed.status).toBe(200);
    expect((await new TestBrowser(server.url).login("lena", password)).status).toBe(200);
  });

  it("a wrong password mails nothing", async () => {
    await new TestBrowser(server.url).mutation("auth.signUp", {
      username: "mona",
      email: "mona@example.org",
      password: "mona's passphrase",
    });
    await smtp.waitFor("mona@example.org", VERIFY);
    clock.advance(24 * 3600 + 1);
    const wrong = await new TestBrowser(server.url).login("mona", "not mona's passphrase");
    expect(errorOf(wrong).data.authCode).toBe("INVALID_CREDENTIALS");
    await server.app.services.mailer.settle();
    expect(smtp.matching("mona@example.org", VERIFY)).toHaveLength(1);
  });
});

describe.each(backends())("sign-up closed, and link expiry, on %s", (backend) => {
  const clock = createClock();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { clock });
  });
  afterAll(() => server?.close());

  it("SIGNUP=closed (the default): FORBIDDEN with a clear message", async () => {
    const res = await new TestBrowser(server.url).mutation("auth.signUp", {
      username: "ivy",
      email: "ivy@example.org",
      password: "ivy's passphrase",
    });
    expect(res.status).toBe(403);
    expect(errorOf(res).data.authCode).toBe("SIGNUP_CLOSED");
    expect(errorOf(res).message).toMatch(/Sign-up is closed/);
    expect(await server.app.services.users.findByUsername("ivy")).toBeUndefined();
  });

  it("a reset link expires after 30 minutes, a verification link after 24 hours", async () => {
    const id = await server.createUser("jack", "jack's passphrase");
    await server.app.services.users.attachEmail(id, "jack@example.org");
    const { tokens } = server.app.services;
    const reset = await tokens.issue(id, "password_reset", "jack@example.org");
    const verify = await tokens.issue(id, "email_verification", "jack@example.org");
    clock.advance(30 * 60 + 1);
    const late = await new TestBrowser(server.url).mutation("auth.resetPassword", {
      token: reset,
      newPassword: "jack's new passphrase",
    });
    expect(errorOf(late).data.authCode).toBe("LINK_INVALID");
    expect(await tokens.peek(verify, "email_verification")).toBeDefined();
    clock.advance(24 * 3600);
    const lateVerify = await new TestBrowser(server.url).mutation("auth.verifyEmail", { token: verify });
    expect(errorOf(lateVerify).data.authCode).toBe("LINK_INVALID");
  });
});
