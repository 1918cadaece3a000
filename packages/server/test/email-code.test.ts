import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessClaims,
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  type Mailbox,
  middleOfTotpStep,
  type ReceivedMail,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

// Sign-in with a code by mail, through a real SMTP server, on SQLite and
// PostgreSQL, with the clock moved by the test: a code and a link, single
// use, ten minutes, five tries; the same answer for every address; one
// factor, so a second factor is still asked.

const CODE_MAIL = /Your sign-in code/;
const PASSWORD = "correct horse battery";

function codeOf(mail: ReceivedMail): string {
  const code = /The code is (\d{6})\./.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in ${mail.text}`);
  return code;
}

function tokenOf(mail: ReceivedMail): string {
  const token = new URL(mail.link ?? "").searchParams.get("token");
  if (!token) throw new Error(`no token in ${mail.link}`);
  return token;
}

/** A wrong code for `code`: the next six digits along. */
const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe.each(backends())("sign-in with a code by mail on %s", (backend) => {
  let clock: TestClock;
  let smtp: Mailbox;
  let server: TestServer;

  beforeAll(async () => {
    clock = createClock(middleOfTotpStep());
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      clock,
      config: { smtpUrl: smtp.url, emailCodeSignIn: true, loginMaxFailures: 50, trustProxy: true },
      app: { mailRetry: { pollMs: 50 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  /** A user whose address is confirmed (only those get codes). */
  async function userWithEmail(username: string, email: string): Promise<string> {
    const id = await server.createUser(username, PASSWORD);
    await server.app.services.users.attachEmail(id, email);
    return id;
  }

  // Each request from a client network of its own (TRUST_PROXY here), so no test spends another's
  // per-network allowance; the per-address limit is tested from one network.
  let networks = 0;
  const request = (email: string, network = `10.0.${++networks}.1`) =>
    new TestBrowser(server.url).mutation(
      "auth.emailCode.request",
      { email },
      { headers: { "x-forwarded-for": network } },
    );

  /** Requests a code and reads the mail it sends (the nth such mail to the address). */
  async function mailedCode(email: string, nth = 1): Promise<ReceivedMail> {
    expect(data(await request(email))).toEqual({ ok: true });
    return smtp.waitFor(email, CODE_MAIL, nth);
  }

  async function grantRows(userId: string) {
    return server.database.db
      .withTables<{ email_code_grants: { user_id: string; failures: number; used_at: unknown } }>()
      .selectFrom("email_code_grants")
      .select(["failures", "used_at"])
      .where("user_id", "=", userId)
      .execute();
  }

  it("mails a code and a link; the code signs in as one factor and works once", async () => {
    await userWithEmail("ceri", "Ceri@Example.org");
    const mail = await mailedCode("ceri@example.org");
    expect(mail.to.toLowerCase()).toBe("ceri@example.org");
    expect(mail.link).toMatch(new RegExp(`^${server.url}/sign-in-link\\?token=[\\w-]{43}$`));
    expect(mail.text).toContain("10 minutes");
    const code = codeOf(mail);

    const browser = new TestBrowser(server.url);
    const signedIn = await browser.mutation("auth.emailCode.verify", { email: "ceri@example.org", code });
    expect(signedIn.status).toBe(200);
    expect(data<{ user: { username: string } }>(signedIn).user.username).toBe("ceri");
    expect(accessClaims<{ amr?: string[]; acr?: string }>(browser)).toMatchObject({ amr: ["otp"], acr: "password" });
    const sessions = data<{ authMethod: string }[]>(await browser.query("auth.sessions"));
    expect(sessions.map((s) => s.authMethod)).toEqual(["email_code"]);

    const again = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "ceri@example.org",
      code,
    });
    expect(errorOf(again).data).toMatchObject({ httpStatus: 400, authCode: "EMAIL_CODE_INVALID" });
  });

  it("the link signs in once, and uses the code of the same mail up too", async () => {
    await userWithEmail("lin", "lin@example.org");
    const mail = await mailedCode("lin@example.org");
    const browser = new TestBrowser(server.url);
    expect((await browser.mutation("auth.emailCode.verify", { token: tokenOf(mail) })).status).toBe(200);
    expect(data<{ username: string }>(await browser.query("user.me")).username).toBe("lin");
    const replayed = await new TestBrowser(server.url).mutation("auth.emailCode.verify", { token: tokenOf(mail) });
    expect(errorOf(replayed).data.authCode).toBe("EMAIL_CODE_INVALID");
    const code = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "lin@example.org",
      code: codeOf(mail),
    });
    expect(errorOf(code).data.authCode).toBe("EMAIL_CODE_INVALID");
  });

  it("a code expires after 10 minutes", async () => {
    await userWithEmail("exa", "exa@example.org");
    const mail = await mailedCode("exa@example.org");
    clock.advance(10 * 60 + 1);
    const late = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "exa@example.org",
      code: codeOf(mail),
    });
    expect(errorOf(late).data.authCode).toBe("EMAIL_CODE_INVALID");
    const link = await new TestBrowser(server.url).mutation("auth.emailCode.verify", { token: tokenOf(mail) });
    expect(errorOf(link).data.authCode).toBe("EMAIL_CODE_INVALID");
  });

  it("five wrong codes void the mailed code: the right one then fails", async () => {
    const id = await userWithEmail("fivel", "fivel@example.org");
    const mail = await mailedCode("fivel@example.org");
    const code = codeOf(mail);
    for (let i = 0; i < 5; i++) {
      const wrong = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
        email: "fivel@example.org",
        code: wrongFor(code),
      });
      expect(errorOf(wrong).data.authCode).toBe("EMAIL_CODE_INVALID");
    }
    const right = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "fivel@example.org",
      code,
    });
    expect(errorOf(right).data.authCode).toBe("EMAIL_CODE_INVALID");
    expect(await grantRows(id)).toEqual([{ failures: 5, used_at: null }]);
  });

  it("forty guesses at once compare the code at most five times", async () => {
    const id = await userWithEmail("storm", "storm@example.org");
    const code = codeOf(await mailedCode("storm@example.org"));
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        new TestBrowser(server.url).mutation("auth.emailCode.verify", {
          email: "storm@example.org",
          code: String((Number(code) + 1 + i) % 1_000_000).padStart(6, "0"),
        }),
      ),
    );
    expect(guesses.every((res) => res.status === 400 || res.status === 429)).toBe(true);
    expect((await grantRows(id))[0]?.failures).toBe(5);
    const right = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "storm@example.org",
      code,
    });
    expect(right.status).not.toBe(200);
  });

  it("answers the same for an unknown, an unconfirmed and a known address; only the known one gets a mail", async () => {
    await userWithEmail("known", "known@example.org");
    const unconfirmed = await server.createUser("unconf", PASSWORD);
    await server.database.db
      .updateTable("users")
      .set({ email: "unconf@example.org", email_verified: false })
      .where("id", "=", unconfirmed)
      .execute();
    const answers = await Promise.all(
      ["known@example.org", "nobody@example.org", "unconf@example.org"].map(async (email) => {
        const res = await request(email);
        return { status: res.status, body: res.body, headers: [...res.headers.keys()].sort() };
      }),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    await smtp.waitFor("known@example.org", CODE_MAIL);
    await server.app.services.mailer.settle();
    expect(smtp.matching("nobody@example.org", CODE_MAIL)).toEqual([]);
    expect(smtp.matching("unconf@example.org", CODE_MAIL)).toEqual([]);
    // A code for an address nobody confirmed never signs in, whatever the digits.
    const guess = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "nobody@example.org",
      code: "123456",
    });
    expect(errorOf(guess).data.authCode).toBe("EMAIL_CODE_INVALID");
  });

  it("a second request within a minute mails nothing; after it, a new code voids the first", async () => {
    await userWithEmail("twice", "twice@example.org");
    const first = await mailedCode("twice@example.org");
    expect(data(await request("twice@example.org"))).toEqual({ ok: true });
    await server.app.services.mailer.settle();
    expect(smtp.matching("twice@example.org", CODE_MAIL)).toHaveLength(1);
    clock.advance(61);
    const second = await mailedCode("twice@example.org", 2);
    const old = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "twice@example.org",
      code: codeOf(first),
    });
    expect(errorOf(old).data.authCode).toBe("EMAIL_CODE_INVALID");
    const fresh = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "twice@example.org",
      code: codeOf(second),
    });
    expect(fresh.status).toBe(200);
  });

  it("requests are limited per address (3 in 15 minutes) whether or not it exists: the fourth is RATE_LIMITED", async () => {
    for (const email of ["limit-known@example.org", "limit-nobody@example.org"]) {
      if (email.startsWith("limit-known")) await userWithEmail("limitk", email);
      for (let i = 0; i < 3; i++) expect((await request(email, "198.51.100.7")).status).toBe(200);
      const over = await request(email, "198.51.100.7");
      expect(over.status).toBe(429);
      expect(errorOf(over).data.authCode).toBe("RATE_LIMITED");
    }
    clock.advance(15 * 60 + 1);
    expect((await request("limit-nobody@example.org", "198.51.100.7")).status).toBe(200);
  });

  it("with TOTP on, the code is the first step only: the second factor is still asked, and the session stays one factor", async () => {
    await userWithEmail("tina", "tina@example.org");
    const enrolling = new TestBrowser(server.url);
    expect((await enrolling.login("tina", PASSWORD)).status).toBe(200);
    const { secret } = data<{ secret: string }>(await enrolling.mutation("auth.mfa.totp.begin"));
    expect((await enrolling.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(90);

    const mail = await mailedCode("tina@example.org");
    const browser = new TestBrowser(server.url);
    const first = await browser.mutation("auth.emailCode.verify", { email: "tina@example.org", code: codeOf(mail) });
    expect(data(first)).toEqual({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    expect(browser.cookies.get("access_token")).toBeUndefined();
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    // A mailed code and a TOTP code are both one-time codes: one kind, never two factors.
    expect(accessClaims<{ amr?: string[]; acr?: string }>(browser)).toMatchObject({ amr: ["otp"], acr: "password" });
  });

  it("a password change voids a code mailed before it", async () => {
    await userWithEmail("pat", "pat@example.org");
    const mail = await mailedCode("pat@example.org");
    const browser = new TestBrowser(server.url);
    expect((await browser.login("pat", PASSWORD)).status).toBe(200);
    const changed = await browser.mutation("auth.changePassword", {
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
    });
    expect(changed.status).toBe(200);
    const late = await new TestBrowser(server.url).mutation("auth.emailCode.verify", {
      email: "pat@example.org",
      code: codeOf(mail),
    });
    expect(errorOf(late).data.authCode).toBe("EMAIL_CODE_INVALID");
  });

  it("verify is refused inside a batch and never runs; malformed inputs are INPUT_INVALID", async () => {
    await userWithEmail("bat", "bat@example.org");
    const mail = await mailedCode("bat@example.org");
    const browser = new TestBrowser(server.url);
    const batch = await browser.request(
      "POST",
      "/trpc/auth.emailCode.verify,auth.emailCode.request?batch=1",
      JSON.stringify({ 0: { email: "bat@example.org", code: codeOf(mail) } }),
    );
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body)).toContain("BATCH_NOT_ALLOWED");
    for (const input of [
      { email: "bat@example.org", code: "12345" },
      { token: "short" },
      { email: "x", code: "1" },
      {},
    ]) {
      const res = await browser.mutation("auth.emailCode.verify", input);
      expect(errorOf(res).data.authCode).toBe("INPUT_INVALID");
    }
    // The mailed code still works: nothing above used it.
    const ok = await browser.mutation("auth.emailCode.verify", { email: "bat@example.org", code: codeOf(mail) });
    expect(ok.status).toBe(200);
  });
});

describe("sign-in with a code by mail is off unless EMAIL_CODE_SIGN_IN=on", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(() => server?.close());

  it("answers EMAIL_CODE_DISABLED (404) and mails nothing", async () => {
    const browser = new TestBrowser(server.url);
    const res = await browser.mutation("auth.emailCode.request", { email: "any@example.org" });
    expect(errorOf(res).data).toMatchObject({ httpStatus: 404, authCode: "EMAIL_CODE_DISABLED" });
    const verify = await browser.mutation("auth.emailCode.verify", { email: "any@example.org", code: "123456" });
    expect(errorOf(verify).data.authCode).toBe("EMAIL_CODE_DISABLED");
  });
});
