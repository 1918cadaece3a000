import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/cli/commands.js";
import { totpState } from "../src/methods/totp/state.js";
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

interface Enrolment {
  secret: string;
  uri: string;
  qrSvg: string;
}

describe.each(backends())("TOTP second factor on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  let smtp: Mailbox;
  // The middle of a 30 s step, so ±1 step is unambiguous.
  const start = middleOfTotpStep();

  beforeAll(async () => {
    clock = createClock(start);
    // Mail goes to a real SMTP server: the outbox keeps a body only until it is sent.
    smtp = await startMailbox();
    server = await startTestServer(backend, { clock, config: { loginMaxFailures: 5, smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  async function signedIn(username: string): Promise<TestBrowser> {
    await server.createUser(username, "correct horse battery");
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, "correct horse battery")).status).toBe(200);
    return browser;
  }

  /** A user with TOTP on: its secret and recovery codes. */
  async function enrolled(username: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const browser = await signedIn(username);
    const begin = await browser.mutation("auth.mfa.totp.begin", { password: "correct horse battery" });
    expect(begin.status).toBe(200);
    const { secret } = data<Enrolment>(begin);
    const confirm = await browser.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) });
    expect(confirm.status).toBe(200);
    clock.advance(90); // past the confirming code's step and its drift window
    return { secret, recoveryCodes: data<{ recoveryCodes: string[] }>(confirm).recoveryCodes };
  }

  async function pendingSignIn(username: string): Promise<TestBrowser> {
    const browser = new TestBrowser(server.url);
    const res = await browser.login(username, "correct horse battery");
    expect(res.status).toBe(200);
    expect(data(res)).toEqual({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    return browser;
  }

  it("begin gives a base32 secret, an otpauth URI and an SVG QR code; on only after confirm", async () => {
    const browser = await signedIn("enrol");
    const begin = await browser.mutation("auth.mfa.totp.begin", { password: "correct horse battery" });
    const enrolment = data<Enrolment>(begin);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Tollgate:enrol\?/);
    expect(enrolment.uri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.uri).toContain("issuer=Tollgate");
    expect(enrolment.qrSvg).toMatch(/^<svg /);
    // Not on yet: a password alone still signs in.
    expect(
      data<{ user: unknown }>(await new TestBrowser(server.url).login("enrol", "correct horse battery")).user,
    ).toBeDefined();

    const wrong = await browser.mutation("auth.mfa.totp.confirm", {
      code: "000000" === codeAt(enrolment.secret, clock.now()) ? "111111" : "000000",
    });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).data.authCode).toBe("MFA_CODE_INVALID");
    const confirm = await browser.mutation("auth.mfa.totp.confirm", { code: codeAt(enrolment.secret, clock.now()) });
    const { recoveryCodes } = data<{ recoveryCodes: string[] }>(confirm);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // The secret is stored encrypted, recovery codes only as hashes.
    const row = await server.database.db.selectFrom("user_totp").select("secret").executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(enrolment.secret);
    const hashes = await server.database.db.selectFrom("recovery_codes").select("code_hash").execute();
    for (const code of recoveryCodes) expect(JSON.stringify(hashes)).not.toContain(code);
    // A second begin while on is refused.
    const again = await browser.mutation("auth.mfa.totp.begin", { password: "correct horse battery" });
    expect(errorOf(again).data.authCode).toBe("MFA_ALREADY_ENABLED");
  });

  it("login answers mfaRequired with no session cookie, only the pending cookie; verify completes it", async () => {
    const { secret } = await enrolled("twostep");
    const browser = new TestBrowser(server.url);
    const res = await browser.login("twostep", "correct horse battery");
    expect(data(res)).toEqual({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    expect(res.setCookies).toHaveLength(1);
    expect(res.setCookies[0]).toMatch(
      /^mfa_pending=[\w-]{43}; Path=\/trpc\/auth\.mfa\.verify; Max-Age=300; HttpOnly; SameSite=Lax$/,
    );
    expect((await browser.query("user.me")).status).toBe(401);

    const verify = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
    expect(verify.status).toBe(200);
    expect(data<{ user: { username: string } }>(verify).user.username).toBe("twostep");
    const names = verify.setCookies.map((line) => line.split("=")[0]);
    expect(names).toEqual(expect.arrayContaining(["access_token", "refresh_token", "csrf_token", "mfa_pending"]));
    expect(verify.setCookies.find((l) => l.startsWith("mfa_pending="))).toContain("Max-Age=0");
    expect((await browser.query("user.me")).status).toBe(200);
    const sessions = data<{ current: boolean; authMethod: string | null }[]>(await browser.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("password+totp");
  });

  it("accepts ±1 step of drift, refuses ±2, and refuses a code already used (replay)", async () => {
    const { secret } = await enrolled("drift");
    const browser = await pendingSignIn("drift");
    for (const offset of [-2, 2]) {
      const res = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now() + offset * 30_000) });
      expect(errorOf(res).data.authCode).toBe("MFA_CODE_INVALID");
    }
    const early = codeAt(secret, clock.now() - 30_000);
    expect((await browser.mutation("auth.mfa.verify", { code: early })).status).toBe(200);

    // The same code again, within its step: refused.
    const again = await pendingSignIn("drift");
    expect(errorOf(await again.mutation("auth.mfa.verify", { code: early })).data.authCode).toBe("MFA_CODE_INVALID");
    // A code one step ahead is still good (and then the current one is older than it: refused).
    const ahead = codeAt(secret, clock.now() + 30_000);
    expect((await again.mutation("auth.mfa.verify", { code: ahead })).status).toBe(200);
    const third = await pendingSignIn("drift");
    const now = codeAt(secret, clock.now());
    expect(errorOf(await third.mutation("auth.mfa.verify", { code: now })).data.authCode).toBe("MFA_CODE_INVALID");
  });

  it("a recovery code signs in once, in any case and grouping", async () => {
    const { recoveryCodes } = await enrolled("recovery");
    const code = recoveryCodes[0] as string;
    const browser = await pendingSignIn("recovery");
    const res = await browser.mutation("auth.mfa.verify", { recoveryCode: code.toLowerCase().replaceAll("-", " ") });
    expect(res.status).toBe(200);
    const sessions = data<{ current: boolean; authMethod: string | null }[]>(await browser.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("recovery_code");

    const again = await pendingSignIn("recovery");
    expect(errorOf(await again.mutation("auth.mfa.verify", { recoveryCode: code })).data.authCode).toBe(
      "MFA_CODE_INVALID",
    );
    expect((await again.mutation("auth.mfa.verify", { recoveryCode: recoveryCodes[1] })).status).toBe(200);
  });

  it("status and regenerated recovery codes: the old ones stop working; a recovery code sign-in is mailed", async () => {
    const { secret, recoveryCodes: old } = await enrolled("regen");
    await server.database.db
      .updateTable("users")
      .set({ email: "regen@example.com" })
      .where("username", "=", "regen")
      .execute();
    const browser = await pendingSignIn("regen");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    expect(data(await browser.query("auth.mfa.status"))).toEqual({ totp: true, recoveryCodesLeft: 10 });
    // The code just used cannot be used again to regenerate; the next step's can.
    const replay = await browser.mutation("auth.mfa.recoveryCodes.regenerate", {
      password: "correct horse battery",
      code: codeAt(secret, clock.now()),
    });
    expect(errorOf(replay).data.authCode).toBe("MFA_CODE_INVALID");
    clock.advance(30);
    const regen = await browser.mutation("auth.mfa.recoveryCodes.regenerate", {
      password: "correct horse battery",
      code: codeAt(secret, clock.now()),
    });
    const { recoveryCodes } = data<{ recoveryCodes: string[] }>(regen);
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes).not.toContain(old[0]);

    const withOld = await pendingSignIn("regen");
    expect(errorOf(await withOld.mutation("auth.mfa.verify", { recoveryCode: old[0] })).data.authCode).toBe(
      "MFA_CODE_INVALID",
    );
    expect((await withOld.mutation("auth.mfa.verify", { recoveryCode: recoveryCodes[0] })).status).toBe(200);
    expect(data(await withOld.query("auth.mfa.status"))).toEqual({ totp: true, recoveryCodesLeft: 9 });
    const mail = await smtp.waitFor("regen@example.com", /recovery code was used/);
    expect(mail.subject).toBe("A recovery code was used to sign in");
    expect(smtp.matching("regen@example.com", /./)).toHaveLength(1);
  });

  it("the pending sign-in is single use and expires after five minutes", async () => {
    const { secret } = await enrolled("pending");
    const browser = await pendingSignIn("pending");
    const cookie = browser.cookies.get("mfa_pending");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    // Replaying the used pending cookie (with a fresh code) does not sign in.
    clock.advance(30);
    const replay = new TestBrowser(server.url);
    replay.cookies.set("mfa_pending", cookie as NonNullable<typeof cookie>);
    const res = await replay.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
    expect(res.status).toBe(401);
    expect(errorOf(res).data.authCode).toBe("MFA_PENDING_INVALID");
    expect(res.setCookies).toEqual([]);

    const late = await pendingSignIn("pending");
    clock.advance(301);
    const expired = await late.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
    expect(errorOf(expired).data.authCode).toBe("MFA_PENDING_INVALID");
    // Without any pending cookie.
    const none = await new TestBrowser(server.url).mutation("auth.mfa.verify", { code: "123456" });
    expect(errorOf(none).data.authCode).toBe("MFA_PENDING_INVALID");
  });

  it("code checks count against the sign-in limit, and verify is refused inside a batch", async () => {
    const { secret } = await enrolled("limited");
    let browser = await pendingSignIn("limited"); // one success: the count starts afresh
    const good = codeAt(secret, clock.now());
    const wrong = good === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      // A pending sign-in takes three codes: the password again for more.
      if (i === 3) browser = await pendingSignIn("limited");
      expect(errorOf(await browser.mutation("auth.mfa.verify", { code: wrong })).data.authCode).toBe(
        "MFA_CODE_INVALID",
      );
    }
    const limited = await browser.mutation("auth.mfa.verify", { code: good });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);

    const batch = await browser.request(
      "POST",
      "/trpc/auth.mfa.verify,user.me?batch=1",
      JSON.stringify({ 0: { code: good } }),
    );
    expect(batch.status).toBe(400);
  });

  it("a pending sign-in that met RATE_LIMITED still has its tries: refusals before any code is checked use none", async () => {
    const { secret } = await enrolled("limitedtries");
    const wrong = codeAt(secret, clock.now()) === "000000" ? "111111" : "000000";
    let browser = await pendingSignIn("limitedtries");
    for (let i = 0; i < 5; i++) {
      if (i === 3) browser = await pendingSignIn("limitedtries");
      expect(errorOf(await browser.mutation("auth.mfa.verify", { code: wrong })).data.authCode).toBe(
        "MFA_CODE_INVALID",
      );
    }
    // The sign-in limit (five) is reached: every further try is refused before its code is checked.
    for (let i = 0; i < 3; i++) {
      const limited = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
      expect(limited.status).toBe(429);
      expect(errorOf(limited).data.authCode).toBe("RATE_LIMITED");
    }
    const user = await server.database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "limitedtries")
      .executeTakeFirstOrThrow();
    const rows = await server.database.db
      .selectFrom("mfa_pending")
      .select("attempts")
      .where("user_id", "=", user.id)
      .where("used_at", "is", null)
      .orderBy("attempts", "asc")
      .execute();
    // The first pending sign-in checked three codes, the second two: the refusals took none.
    expect(rows.map((r) => Number(r.attempts))).toEqual([2, 3]);
  });

  it("giving the password again does not start the code count afresh (no unlimited guessing)", async () => {
    const { secret } = await enrolled("relogin");
    const wrong = codeAt(secret, clock.now()) === "000000" ? "111111" : "000000";
    let browser = await pendingSignIn("relogin");
    // Three: as many as a pending sign-in takes.
    for (let i = 0; i < 3; i++) {
      expect(errorOf(await browser.mutation("auth.mfa.verify", { code: wrong })).data.authCode).toBe(
        "MFA_CODE_INVALID",
      );
    }
    browser = await pendingSignIn("relogin");
    for (let i = 0; i < 2; i++) {
      expect(errorOf(await browser.mutation("auth.mfa.verify", { code: wrong })).data.authCode).toBe(
        "MFA_CODE_INVALID",
      );
    }
    const limited = await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
    expect(limited.status).toBe(429);
  });

  it("a replayed code counts as a failed attempt", async () => {
    const { secret } = await enrolled("replaycount");
    const code = codeAt(secret, clock.now());
    const first = await pendingSignIn("replaycount");
    expect((await first.mutation("auth.mfa.verify", { code })).status).toBe(200);
    let browser = await pendingSignIn("replaycount");
    for (let i = 0; i < 5; i++) {
      if (i === 3) browser = await pendingSignIn("replaycount"); // a pending sign-in takes three codes
      expect(errorOf(await browser.mutation("auth.mfa.verify", { code })).data.authCode).toBe("MFA_CODE_INVALID");
    }
    expect((await browser.mutation("auth.mfa.verify", { code })).status).toBe(429);
  });

  it("after AUTH_SECRET rotation a secret sealed under the previous one works and is sealed again", async () => {
    const { secret } = await enrolled("rotation");
    const before = await server.database.db
      .selectFrom("user_totp")
      .innerJoin("users", "users.id", "user_totp.user_id")
      .select("user_totp.secret")
      .where("users.username", "=", "rotation")
      .executeTakeFirstOrThrow();
    const old = server.app.services.config.authSecret;
    const rotated = await server.startAnother({ authSecret: "n".repeat(43), authSecretPrevious: [old] });
    const browser = new TestBrowser(rotated.url);
    expect(data(await browser.login("rotation", "correct horse battery"))).toMatchObject({ mfaRequired: true });
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    const after = await server.database.db
      .selectFrom("user_totp")
      .innerJoin("users", "users.id", "user_totp.user_id")
      .select("user_totp.secret")
      .where("users.username", "=", "rotation")
      .executeTakeFirstOrThrow();
    expect(after.secret).not.toBe(before.secret);
    expect((await totpState(rotated.app.services).secrets.open(await userIdOf("rotation"), after.secret)).stale).toBe(
      false,
    );
  });

  async function userIdOf(username: string): Promise<string> {
    return (await server.app.services.users.findByUsername(username))?.id as string;
  }

  it("disable needs the password; then a password alone signs in again", async () => {
    const { secret } = await enrolled("disable");
    const browser = await pendingSignIn("disable");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    const wrong = await browser.mutation("auth.mfa.totp.disable", { password: "nope" });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).data.authCode).toBe("CURRENT_PASSWORD_WRONG");
    expect((await browser.mutation("auth.mfa.totp.disable", { password: "correct horse battery" })).status).toBe(200);
    const res = await new TestBrowser(server.url).login("disable", "correct horse battery");
    expect(data<{ user: { username: string } }>(res).user.username).toBe("disable");
  });

  it("enrolment needs the CSRF header", async () => {
    const browser = await signedIn("csrf");
    const res = await browser.mutation("auth.mfa.totp.begin", { password: "correct horse battery" }, { csrf: false });
    expect(res.status).toBe(403);
  });

  it("begin needs the current password or a recent step-up: a stolen session sees no secret and enrols no factor of its own", async () => {
    const browser = await signedIn("stolen");
    clock.advance(301); // past STEP_UP_MAX_AGE (300 by default): the sign-in is no longer a recent proof
    const none = await browser.mutation("auth.mfa.totp.begin");
    expect(none.status).toBe(403);
    expect(errorOf(none).data.authCode).toBe("STEP_UP_REQUIRED");
    expect(JSON.stringify(none.body)).not.toMatch(/otpauth|secret"/);
    const wrong = await browser.mutation("auth.mfa.totp.begin", { password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).data.authCode).toBe("CURRENT_PASSWORD_WRONG");
    const userId = await userIdOf("stolen");
    const rows = await server.database.db
      .selectFrom("user_totp")
      .select("user_id")
      .where("user_id", "=", userId)
      .execute();
    expect(rows).toEqual([]);
    // The check counts against the sign-in limit (loginMaxFailures 5 here): guessing it is no way round.
    for (let i = 0; i < 4; i++) {
      expect(errorOf(await browser.mutation("auth.mfa.totp.begin", { password: `guess ${i}` })).data.authCode).toBe(
        "CURRENT_PASSWORD_WRONG",
      );
    }
    expect((await browser.mutation("auth.mfa.totp.begin", { password: "correct horse battery" })).status).toBe(429);
  });

  it("a password reset link does not bypass the second factor", async () => {
    const { secret } = await enrolled("resetlink");
    const user = await server.app.services.users.findByUsername("resetlink");
    const token = await server.app.services.tokens.issue(user?.id as string, "password_reset", null);
    const browser = new TestBrowser(server.url);
    const res = await browser.mutation("auth.resetPassword", { token, newPassword: "a brand new passphrase" });
    expect(res.status).toBe(200);
    expect(data(res)).toEqual({ mfaRequired: true, methods: ["totp", "recovery_code"], endedSessions: 1 });
    expect(res.setCookies.map((line) => line.split("=")[0])).toEqual(["mfa_pending"]);
    expect((await browser.query("user.me")).status).toBe(401);
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    expect((await browser.query("user.me")).status).toBe(200);
  });

  it("user:mfa-reset turns TOTP off and ends the user's sessions", async () => {
    const { secret } = await enrolled("reset");
    const browser = await pendingSignIn("reset");
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    const lines: string[] = [];
    await runCommand(
      "user:mfa-reset",
      { username: "reset" },
      {
        database: server.database,
        sessions: server.app.services.auth.sessions,
        io: { readPassword: async () => "", print: (line) => lines.push(line) },
      },
    );
    // The session of the enrolment and the one signed in with the code.
    expect(lines).toEqual(["Two-step sign-in turned off for reset; 2 session(s) ended"]);
    expect((await browser.query("user.me")).status).toBe(401);
    const res = await new TestBrowser(server.url).login("reset", "correct horse battery");
    expect(data<{ user: { username: string } }>(res).user.username).toBe("reset");
    await expect(
      runCommand(
        "user:mfa-reset",
        { username: "nobody" },
        {
          database: server.database,
          sessions: server.app.services.auth.sessions,
          io: { readPassword: async () => "", print: () => {} },
        },
      ),
    ).rejects.toThrow("No user named nobody");
  });
});
