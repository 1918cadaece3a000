import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/cli/commands.js";
import {
  backends,
  type CallResult,
  createClock,
  data,
  errorOf,
  startSmtpServer,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
  type TestSmtpServer,
} from "./support/index.js";

/** The cap of consecutive wrong TOTP codes per account (MFA_MAX_FAILED_CODES). */
const CAP = 10;
const PASSWORD = "correct horse battery";

function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp,
  });
}

/** A code that is none of the three the server accepts now (±1 step). */
function wrongCodeAt(secret: string, timestamp: number): string {
  const near = new Set([-30_000, 0, 30_000].map((d) => codeAt(secret, timestamp + d)));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.has(c)) as string;
}

const authCode = (res: CallResult) => errorOf(res).data.authCode;

async function mailsTo(server: TestServer, recipient: string) {
  return server.database.db.selectFrom("mail_outbox").select("id").where("recipient", "=", recipient).execute();
}

async function auditCount(server: TestServer, event: string, userId: string): Promise<number> {
  await server.app.services.audit.flush();
  const rows = await server.database.db
    .selectFrom("audit_events")
    .select("id")
    .where("event", "=", event)
    .where("user_id", "=", userId)
    .execute();
  return rows.length;
}

interface Enrolled {
  readonly userId: string;
  readonly secret: string;
  readonly recoveryCodes: string[];
}

/** A user (with an address) who turned TOTP on; the clock is then past the confirming code. */
async function enrol(server: TestServer, clock: TestClock, username: string): Promise<Enrolled> {
  const userId = await server.createUser(username, PASSWORD);
  await server.database.db
    .updateTable("users")
    .set({ email: `${username}@example.com` })
    .where("id", "=", userId)
    .execute();
  const browser = new TestBrowser(server.url);
  expect((await browser.login(username, PASSWORD)).status).toBe(200);
  const begin = await browser.mutation("auth.mfa.totp.begin", { password: PASSWORD });
  const { secret } = data<{ secret: string }>(begin);
  const confirm = await browser.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) });
  expect(confirm.status).toBe(200);
  clock.advance(90);
  return { userId, secret, recoveryCodes: data<{ recoveryCodes: string[] }>(confirm).recoveryCodes };
}

describe.each(backends())("second-factor lockout on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  let smtp: TestSmtpServer;
  const start = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

  beforeAll(async () => {
    clock = createClock(start);
    // A generous sign-in limit: these tests are about the second factor's own cap.
    // Mail goes to a real SMTP server: the outbox empties a body once it is sent.
    smtp = await startSmtpServer();
    server = await startTestServer(backend, { clock, config: { loginMaxFailures: 200, smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function pendingSignIn(username: string): Promise<TestBrowser> {
    const browser = new TestBrowser(server.url);
    const res = await browser.login(username, PASSWORD);
    expect(data(res)).toMatchObject({ mfaRequired: true });
    return browser;
  }

  /** `count` wrong codes, three per pending sign-in (a pending sign-in takes no more). */
  async function guessWrong(username: string, secret: string, count: number): Promise<void> {
    let browser = await pendingSignIn(username);
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % 3 === 0) browser = await pendingSignIn(username);
      const res = await browser.mutation("auth.mfa.verify", { code: wrongCodeAt(secret, clock.now()) });
      expect(authCode(res)).toBe("MFA_CODE_INVALID");
    }
  }

  it("a pending sign-in ends after three wrong codes: the fourth try is MFA_PENDING_INVALID, even with a right code", async () => {
    const { secret } = await enrol(server, clock, "threetries");
    const browser = await pendingSignIn("threetries");
    for (let i = 0; i < 3; i++) {
      const res = await browser.mutation("auth.mfa.verify", { code: wrongCodeAt(secret, clock.now()) });
      expect(authCode(res)).toBe("MFA_CODE_INVALID");
    }
    const fourth = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
    expect(fourth.status).toBe(401);
    expect(authCode(fourth)).toBe("MFA_PENDING_INVALID");
    // A new sign-in (the password again) gets three more tries.
    const again = await pendingSignIn("threetries");
    expect((await again.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
  });

  it("twelve parallel wrong codes on one pending sign-in: at most three are checked", async () => {
    const { secret } = await enrol(server, clock, "parallelpending");
    const browser = await pendingSignIn("parallelpending");
    const wrong = wrongCodeAt(secret, clock.now());
    const results = await Promise.all(
      Array.from({ length: 12 }, () => browser.mutation("auth.mfa.verify", { code: wrong })),
    );
    const codes = results.map(authCode);
    expect(codes.filter((c) => c === "MFA_CODE_INVALID")).toHaveLength(3);
    expect(codes.filter((c) => c === "MFA_PENDING_INVALID")).toHaveLength(9);
  });

  it("ten wrong codes lock the factor: a right code is refused with MFA_LOCKED; audited and mailed once with an unlock link", async () => {
    const { userId, secret } = await enrol(server, clock, "locked");
    await guessWrong("locked", secret, CAP);
    for (let i = 0; i < 3; i++) {
      clock.advance(30);
      const browser = await pendingSignIn("locked");
      const refused = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
      expect(refused.status).toBe(403);
      expect(authCode(refused)).toBe("MFA_LOCKED");
    }
    expect(await auditCount(server, "mfa_failed", userId)).toBe(CAP);
    expect(await auditCount(server, "mfa_locked", userId)).toBe(1);
    expect(await mailsTo(server, "locked@example.com")).toHaveLength(1);
    const mail = await smtp.waitFor("locked@example.com", /Two-step sign-in locked/);
    const token = /\/mfa-unlock\?token=([\w-]{43})/.exec(mail.text)?.[1] as string;
    expect(token).toBeDefined();

    // The link clears the lock, once.
    const unlock = await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token });
    expect(unlock.status).toBe(200);
    expect(await auditCount(server, "mfa_unlocked", userId)).toBe(1);
    const reused = await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token });
    expect(authCode(reused)).toBe("LINK_INVALID");
    const browser = await pendingSignIn("locked");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
  });

  it("an unknown or malformed unlock token is LINK_INVALID and changes nothing", async () => {
    const { secret } = await enrol(server, clock, "badlink");
    await guessWrong("badlink", secret, CAP);
    for (const token of ["x".repeat(43), "not a token"]) {
      const res = await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token });
      expect(res.status).toBe(400);
      expect(authCode(res)).toBe("LINK_INVALID");
    }
    const browser = await pendingSignIn("badlink");
    expect(authCode(await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) }))).toBe(
      "MFA_LOCKED",
    );
  });

  it("forty parallel wrong codes cannot slip past the cap: ten are checked, one mail", async () => {
    const { userId, secret } = await enrol(server, clock, "parallel");
    const browsers = await Promise.all(Array.from({ length: 40 }, () => pendingSignIn("parallel")));
    const wrong = wrongCodeAt(secret, clock.now());
    const results = await Promise.all(browsers.map((b) => b.mutation("auth.mfa.verify", { code: wrong })));
    const codes = results.map(authCode);
    expect(codes.filter((c) => c === "MFA_CODE_INVALID")).toHaveLength(CAP);
    expect(codes.filter((c) => c === "MFA_LOCKED")).toHaveLength(40 - CAP);
    expect(await auditCount(server, "mfa_failed", userId)).toBe(CAP);
    expect(await mailsTo(server, "parallel@example.com")).toHaveLength(1);
  });

  it("a right code starts the count afresh", async () => {
    const { secret } = await enrol(server, clock, "reset");
    for (let round = 0; round < 2; round++) {
      await guessWrong("reset", secret, CAP - 1);
      clock.advance(30);
      const browser = await pendingSignIn("reset");
      expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    }
  });

  it("a recovery code still signs in while locked, and clears the lock", async () => {
    const { secret, recoveryCodes } = await enrol(server, clock, "recover");
    await guessWrong("recover", secret, CAP);
    const browser = await pendingSignIn("recover");
    expect((await browser.mutation("auth.mfa.verify", { recoveryCode: recoveryCodes[0] })).status).toBe(200);
    const next = await pendingSignIn("recover");
    expect((await next.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
  });

  it("wrong codes to recoveryCodes.regenerate count too: a stolen session cannot guess there instead", async () => {
    const { secret } = await enrol(server, clock, "regen");
    const browser = await pendingSignIn("regen");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(30);
    for (let i = 0; i < CAP; i++) {
      const res = await browser.mutation("auth.mfa.recoveryCodes.regenerate", {
        code: wrongCodeAt(secret, clock.now()),
      });
      expect(authCode(res)).toBe("MFA_CODE_INVALID");
    }
    const refused = await browser.mutation("auth.mfa.recoveryCodes.regenerate", { code: codeAt(secret, clock.now()) });
    expect(authCode(refused)).toBe("MFA_LOCKED");
    const pending = await pendingSignIn("regen");
    expect(authCode(await pending.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) }))).toBe(
      "MFA_LOCKED",
    );
  });

  it("user:mfa-reset clears a lock (it turns TOTP off); enrolling again starts with no failures", async () => {
    const { secret: old } = await enrol(server, clock, "operator");
    await guessWrong("operator", old, CAP);
    await runCommand(
      "user:mfa-reset",
      { username: "operator" },
      {
        database: server.database,
        sessions: server.app.services.auth.sessions,
        io: { readPassword: async () => "", print: () => {} },
      },
    );
    const signedIn = new TestBrowser(server.url);
    expect(data<{ user: unknown }>(await signedIn.login("operator", PASSWORD)).user).toBeDefined();
    const begin = await signedIn.mutation("auth.mfa.totp.begin", { password: PASSWORD });
    const { secret } = data<{ secret: string }>(begin);
    expect((await signedIn.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(90);
    const browser = await pendingSignIn("operator");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
  });
});

describe.each(backends())("an attacker who knows the password, for 30 days, on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  const start = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

  beforeAll(async () => {
    clock = createClock(start);
    // Behind a proxy: the attacker comes from many networks. The sign-in limit
    // counts in real time (its windows refill, which a fake clock cannot show),
    // so it is set to admit everything: what is left is the cap alone.
    server = await startTestServer(backend, { clock, config: { trustProxy: true, loginMaxFailures: 1000 } });
  });
  afterAll(() => server?.close());

  it("gets at most ten code checks in 30 days, from a new network every twelve hours", async () => {
    const { userId, secret } = await enrol(server, clock, "victim");
    const end = clock.now() + 30 * 86_400_000;
    let admitted = 0;
    let locked = 0;
    for (let round = 0; clock.now() < end && admitted <= CAP; round++) {
      const headers = { "x-forwarded-for": `198.51.${round % 256}.${1 + (round % 200)}` };
      const browser = new TestBrowser(server.url);
      const login = await browser.mutation("auth.login", { username: "victim", password: PASSWORD }, { headers });
      expect(data(login)).toMatchObject({ mfaRequired: true });
      for (let guess = 0; guess < 3; guess++) {
        const res = await browser.mutation("auth.mfa.verify", { code: wrongCodeAt(secret, clock.now()) }, { headers });
        const code = authCode(res);
        if (code === "MFA_CODE_INVALID") admitted++;
        else {
          expect(code).toBe("MFA_LOCKED");
          locked++;
        }
        clock.advance(31);
      }
      clock.advance(12 * 3600);
    }
    expect(admitted).toBe(CAP);
    expect(await auditCount(server, "mfa_failed", userId)).toBe(CAP);
    // Still locked at the end: time passing cleared nothing.
    expect(locked).toBeGreaterThan(150);
  }, 120_000);
});
