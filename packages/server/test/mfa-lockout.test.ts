import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/cli/commands.js";
import {
  backends,
  type CallResult,
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

/** The cap of consecutive wrong TOTP codes per account (MFA_MAX_FAILED_CODES). */
const CAP = 10;
const PASSWORD = "correct horse battery";

/** A code that is none of the three the server accepts now (±1 step). */
function wrongCodeAt(secret: string, timestamp: number): string {
  const near = new Set([-30_000, 0, 30_000].map((d) => codeAt(secret, timestamp + d)));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.has(c)) as string;
}

const authCode = (res: CallResult) => errorOf(res).data.authCode;

/** The unlock token a lock mail links to; undefined when the mail has no link. */
const unlockToken = (text: string) => /\/mfa-unlock\?token=([\w-]{43})/.exec(text)?.[1];
const LOCK_MAIL = /Two-step sign-in locked/;
const DAY_S = 86_400;

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
  let smtp: Mailbox;
  const start = middleOfTotpStep();

  beforeAll(async () => {
    clock = createClock(start);
    // A generous sign-in limit: these tests are about the second factor's own cap.
    // Mail goes to a real SMTP server: the outbox empties a body once it is sent.
    smtp = await startMailbox();
    server = await startTestServer(backend, { clock, config: { loginMaxFailures: 500, smtpUrl: smtp.url } });
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
        password: PASSWORD,
        code: wrongCodeAt(secret, clock.now()),
      });
      expect(authCode(res)).toBe("MFA_CODE_INVALID");
    }
    const refused = await browser.mutation("auth.mfa.recoveryCodes.regenerate", {
      password: PASSWORD,
      code: codeAt(secret, clock.now()),
    });
    expect(authCode(refused)).toBe("MFA_LOCKED");
    const pending = await pendingSignIn("regen");
    expect(authCode(await pending.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) }))).toBe(
      "MFA_LOCKED",
    );
  });

  it("recoveryCodes.regenerate needs the current password or a recent step-up: a stolen session without it checks no code and cannot lock the factor", async () => {
    const { userId, secret } = await enrol(server, clock, "regenthief");
    const stolen = await pendingSignIn("regenthief");
    expect((await stolen.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(301); // past STEP_UP_MAX_AGE: the session's sign-in is no longer a recent proof
    // More than the cap, the right code among them: each is refused before any code is checked.
    for (let i = 0; i < CAP + 2; i++) {
      const code = i === CAP ? codeAt(secret, clock.now()) : wrongCodeAt(secret, clock.now());
      const res = await stolen.mutation("auth.mfa.recoveryCodes.regenerate", { password: "not the password", code });
      expect(res.status).toBe(400);
      expect(authCode(res)).toBe("CURRENT_PASSWORD_WRONG");
    }
    const codeOnly = await stolen.mutation("auth.mfa.recoveryCodes.regenerate", { code: codeAt(secret, clock.now()) });
    expect(codeOnly.status).toBe(403);
    expect(authCode(codeOnly)).toBe("STEP_UP_REQUIRED");
    expect(await auditCount(server, "mfa_failed", userId)).toBe(0);
    expect(await auditCount(server, "recovery_codes_regenerated", userId)).toBe(0);
    // The owner's factor is not locked.
    const owner = await pendingSignIn("regenthief");
    expect((await owner.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
  });

  it("an unlock link mailed before a password change is LINK_INVALID after it", async () => {
    const { secret } = await enrol(server, clock, "voided");
    const owner = await pendingSignIn("voided");
    expect((await owner.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(30);
    await guessWrong("voided", secret, CAP);
    const token = unlockToken((await smtp.waitFor("voided@example.com", LOCK_MAIL)).text) as string;
    expect(token).toBeDefined();
    const change = await owner.mutation("auth.changePassword", {
      currentPassword: PASSWORD,
      newPassword: "another horse battery",
    });
    expect(change.status).toBe(200);
    const unlock = await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token });
    expect(authCode(unlock)).toBe("LINK_INVALID");
  });

  it("MFA_LOCKED refusals use none of the pending sign-in's three tries: a recovery code then signs in with it", async () => {
    const { secret, recoveryCodes } = await enrol(server, clock, "lockedtries");
    await guessWrong("lockedtries", secret, CAP);
    const browser = await pendingSignIn("lockedtries");
    for (let i = 0; i < 3; i++) {
      const refused = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
      expect(authCode(refused)).toBe("MFA_LOCKED");
    }
    expect((await browser.mutation("auth.mfa.verify", { recoveryCode: recoveryCodes[0] })).status).toBe(200);
  });

  it("after the mailed link unlocked it, a second lock within 24 hours mails no link (the first cannot be reused); after 24 hours a lock mails one again", async () => {
    const { userId, secret, recoveryCodes } = await enrol(server, clock, "relock");
    await guessWrong("relock", secret, CAP);
    const token = unlockToken((await smtp.waitFor("relock@example.com", LOCK_MAIL)).text) as string;
    expect(token).toBeDefined();
    expect((await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token })).status).toBe(200);

    clock.advance(23 * 3600);
    await guessWrong("relock", secret, CAP);
    const second = await smtp.waitFor("relock@example.com", LOCK_MAIL, 2);
    expect(unlockToken(second.text)).toBeUndefined();
    expect(second.text).toMatch(/recovery code/);
    expect(second.text).toMatch(/administrator/);
    expect(await auditCount(server, "mfa_locked", userId)).toBe(2);
    expect(authCode(await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token }))).toBe("LINK_INVALID");
    const locked = await pendingSignIn("relock");
    expect(authCode(await locked.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) }))).toBe(
      "MFA_LOCKED",
    );
    // The owner's recovery code still clears it.
    expect((await locked.mutation("auth.mfa.verify", { recoveryCode: recoveryCodes[0] })).status).toBe(200);

    // More than 24 hours after the link was followed, a lock mails a link again.
    clock.advance(2 * 3600);
    await guessWrong("relock", secret, CAP);
    const third = await smtp.waitFor("relock@example.com", LOCK_MAIL, 3);
    expect(unlockToken(third.text)).toBeDefined();
  });

  it("a mailbox holder who knows the password (as a reset link gives it) gets at most twice the cap of code checks in 30 days: one link, then locked until the owner acts", async () => {
    const { userId, secret } = await enrol(server, clock, "mailbox");
    const address = "mailbox@example.com";
    const end = clock.now() + 30 * DAY_S * 1000;
    let admitted = 0;
    let linksFollowed = 0;
    let lockMailsRead = 0;
    while (clock.now() < end) {
      // Each day: guess until locked, follow every link the lock mails, guess again.
      for (;;) {
        let locked = false;
        while (!locked) {
          const browser = await pendingSignIn("mailbox");
          for (let guess = 0; guess < 3 && !locked; guess++) {
            const code = authCode(
              await browser.mutation("auth.mfa.verify", { code: wrongCodeAt(secret, clock.now()) }),
            );
            if (code === "MFA_CODE_INVALID") admitted++;
            else {
              expect(code).toBe("MFA_LOCKED");
              locked = true;
            }
          }
        }
        const locks = await auditCount(server, "mfa_locked", userId);
        if (locks === lockMailsRead) break; // no new lock: no new mail
        lockMailsRead = locks;
        const token = unlockToken((await smtp.waitFor(address, LOCK_MAIL, locks)).text);
        if (!token) break;
        expect((await new TestBrowser(server.url).mutation("auth.mfa.unlock", { token })).status).toBe(200);
        linksFollowed++;
      }
      clock.advance(DAY_S);
    }
    expect(admitted).toBe(2 * CAP);
    expect(linksFollowed).toBe(1);
    expect(await auditCount(server, "mfa_locked", userId)).toBe(2);
    expect(smtp.matching(address, LOCK_MAIL)).toHaveLength(2);
  }, 120_000);

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
  const start = middleOfTotpStep();

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
