import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessClaims,
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  middleOfTotpStep,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

// Step-up over real HTTP, on SQLite and PostgreSQL, with the clock moved by
// the test: a sensitive action after STEP_UP_MAX_AGE asks for a fresh proof
// (STEP_UP_REQUIRED), auth.stepUp.verify gives it on the same session, and
// the access tokens say how and when the user proved who they are.

const PASSWORD = "correct horse battery";
const MAX_AGE = 120;
/** testConfig's default ACCESS_TOKEN_TTL: moving past it makes the access token expire. */
const ACCESS_TOKEN_TTL = 900;

interface StepUpData {
  levels: string[];
  maxAge: number;
  currentLevel: string | null;
  methods: string[];
}

interface TokenClaims {
  sid: string;
  amr?: string[];
  acr?: string;
  auth_time?: number;
}

function stepUpOf(result: Parameters<typeof errorOf>[0]): StepUpData {
  return (errorOf(result).data as unknown as { stepUp: StepUpData }).stepUp;
}

describe.each(backends())("step-up on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  const seconds = () => Math.floor(clock.now() / 1000);

  beforeAll(async () => {
    clock = createClock(middleOfTotpStep());
    server = await startTestServer(backend, { clock, config: { loginMaxFailures: 5, stepUpMaxAge: MAX_AGE } });
  });
  afterAll(() => server?.close());

  async function signedIn(username: string): Promise<TestBrowser> {
    await server.createUser(username, PASSWORD);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, PASSWORD)).status).toBe(200);
    return browser;
  }

  /** A user with TOTP on, signed in afresh with the password and a code: its secret and that browser. */
  async function twoFactorUser(username: string): Promise<{ secret: string; browser: TestBrowser }> {
    const enrolling = await signedIn(username);
    const { secret } = data<{ secret: string }>(await enrolling.mutation("auth.mfa.totp.begin"));
    expect((await enrolling.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(90); // past the confirming code's step: the next code is a new one
    const browser = new TestBrowser(server.url);
    expect(data(await browser.login(username, PASSWORD))).toMatchObject({ mfaRequired: true });
    expect((await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(90);
    return { secret, browser };
  }

  async function sessionRow(browser: TestBrowser) {
    return server.database.db
      .selectFrom("sessions")
      .select(["amr", "auth_time", "current_hash"])
      .where("id", "=", accessClaims<TokenClaims>(browser).sid)
      .executeTakeFirstOrThrow();
  }

  it("a sign-in's access token carries amr, acr and auth_time, and a refresh carries the same from the session", async () => {
    const browser = await signedIn("claims");
    const signedInAt = seconds();
    expect(accessClaims<TokenClaims>(browser)).toMatchObject({ amr: ["pwd"], acr: "password", auth_time: signedInAt });
    clock.advance(ACCESS_TOKEN_TTL + 1);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    expect(accessClaims<TokenClaims>(browser)).toMatchObject({ amr: ["pwd"], acr: "password", auth_time: signedInAt });
  });

  it("a password and a TOTP code give two factors: amr pwd+otp+mfa, acr two-factor", async () => {
    const { browser } = await twoFactorUser("twofactor");
    expect(accessClaims<TokenClaims>(browser)).toMatchObject({ amr: ["pwd", "otp", "mfa"], acr: "two-factor" });
  });

  it("an email change with a proof older than STEP_UP_MAX_AGE is STEP_UP_REQUIRED and changes nothing; after a TOTP step-up it goes through", async () => {
    const { secret, browser } = await twoFactorUser("mover");
    clock.advance(MAX_AGE + 1);
    const refused = await browser.mutation("user.updateProfile", { email: "new@example.com" });
    expect(refused.status).toBe(403);
    expect(errorOf(refused).data.code).toBe("FORBIDDEN");
    expect(errorOf(refused).data.authCode).toBe("STEP_UP_REQUIRED");
    expect(stepUpOf(refused)).toEqual({
      levels: ["password", "two-factor", "phishing-resistant"],
      maxAge: MAX_AGE,
      currentLevel: "two-factor",
      methods: ["password", "totp", "recovery_code"],
    });
    expect(data<{ pendingEmail: string | null }>(await browser.query("user.me")).pendingEmail).toBeNull();

    const before = await sessionRow(browser);
    const verified = await browser.mutation("auth.stepUp.verify", { code: codeAt(secret, clock.now()) });
    expect(verified.status).toBe(200);
    expect(data(verified)).toMatchObject({ level: "two-factor", amr: ["pwd", "otp", "mfa"], authTime: clock.now() });
    // Only the access cookie is new: the refresh token (and its family) is the one the session had.
    expect(verified.setCookies.map((line) => line.split("=")[0])).toEqual(["access_token"]);
    expect((await sessionRow(browser)).current_hash).toBe(before.current_hash);
    expect(accessClaims<TokenClaims>(browser)).toMatchObject({
      amr: ["pwd", "otp", "mfa"],
      acr: "two-factor",
      auth_time: seconds(),
    });

    const moved = await browser.mutation("user.updateProfile", { email: "new@example.com" });
    expect(moved.status).toBe(200);
    expect(data<{ pendingEmail: string | null }>(moved).pendingEmail).toBe("new@example.com");
  });

  it("a step-up survives the next refresh: the session keeps the proof, the refresh token is not forked", async () => {
    const browser = await signedIn("keeps");
    clock.advance(MAX_AGE + 1);
    expect((await browser.mutation("auth.stepUp.verify", { password: PASSWORD })).status).toBe(200);
    const steppedUpAt = seconds();
    clock.advance(ACCESS_TOKEN_TTL + 1);
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    expect(accessClaims<TokenClaims>(browser)).toMatchObject({ amr: ["pwd"], auth_time: steppedUpAt });
    const sessions = data<{ current: boolean }[]>(await browser.query("auth.sessions"));
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
  });

  it("the same factor twice never reaches two-factor: a password step-up on a password session stays one factor", async () => {
    const browser = await signedIn("twice");
    const verified = await browser.mutation("auth.stepUp.verify", { password: PASSWORD });
    expect(data(verified)).toMatchObject({ level: "password", amr: ["pwd"] });
    expect(accessClaims<TokenClaims>(browser)).toMatchObject({ amr: ["pwd"], acr: "password" });
    expect(accessClaims<TokenClaims>(browser).amr).not.toContain("mfa");
  });

  it("auth.stepUp.options names this user's methods and the session's proof", async () => {
    const plain = await signedIn("options");
    expect(data(await plain.mutation("auth.stepUp.options"))).toEqual({
      level: "password",
      amr: ["pwd"],
      authTime: clock.now(),
      maxAge: MAX_AGE,
      methods: ["password"],
      prepared: {},
    });
    const { browser } = await twoFactorUser("options2");
    expect(data(await browser.mutation("auth.stepUp.options"))).toMatchObject({
      level: "two-factor",
      methods: ["password", "totp", "recovery_code"],
    });
  });

  it("a code for a factor that is not on is MFA_NOT_ENABLED and proves nothing", async () => {
    const browser = await signedIn("nofactor");
    clock.advance(MAX_AGE + 1);
    const before = await sessionRow(browser);
    const res = await browser.mutation("auth.stepUp.verify", { code: "123456" });
    expect(res.status).toBe(400);
    expect(errorOf(res).data.authCode).toBe("MFA_NOT_ENABLED");
    expect(await sessionRow(browser)).toEqual(before);
  });

  it("a wrong password or code is refused with a stable code, changes nothing and counts against the sign-in limit", async () => {
    const { secret, browser } = await twoFactorUser("guesser");
    clock.advance(MAX_AGE + 1);
    const before = await sessionRow(browser);
    const good = codeAt(secret, clock.now());
    const wrong = good === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) {
      const res = await browser.mutation("auth.stepUp.verify", { password: `guess ${i}` });
      expect(res.status).toBe(400);
      expect(errorOf(res).data.authCode).toBe("CURRENT_PASSWORD_WRONG");
    }
    for (let i = 0; i < 2; i++) {
      const res = await browser.mutation("auth.stepUp.verify", { code: wrong });
      expect(res.status).toBe(400);
      expect(errorOf(res).data.authCode).toBe("MFA_CODE_INVALID");
    }
    expect(await sessionRow(browser)).toEqual(before);
    // Five failures (loginMaxFailures): the right password is not even checked now.
    const limited = await browser.mutation("auth.stepUp.verify", { password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(errorOf(limited).data.authCode).toBe("RATE_LIMITED");
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await sessionRow(browser)).toEqual(before);
    expect(errorOf(await browser.mutation("user.updateProfile", { email: "x@example.com" })).data.authCode).toBe(
      "STEP_UP_REQUIRED",
    );
  });

  it("auth.stepUp.verify is refused inside a batch, and never runs", async () => {
    const browser = await signedIn("batched");
    clock.advance(MAX_AGE + 1);
    const before = await sessionRow(browser);
    const batch = await browser.request(
      "POST",
      "/trpc/auth.stepUp.verify,auth.stepUp.options?batch=1",
      JSON.stringify({ 0: { password: PASSWORD } }),
    );
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body)).toContain("BATCH_NOT_ALLOWED");
    expect(await sessionRow(browser)).toEqual(before);
  });

  it("needs a signed-in caller and the CSRF header", async () => {
    const anonymous = new TestBrowser(server.url);
    expect((await anonymous.mutation("auth.stepUp.verify", { password: PASSWORD })).status).toBe(401);
    const browser = await signedIn("csrfstep");
    const forged = await browser.mutation("auth.stepUp.verify", { password: PASSWORD }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(errorOf(forged).data.authCode).toBe("CSRF");
  });

  it("malformed inputs are INPUT_INVALID and prove nothing", async () => {
    const browser = await signedIn("malformed");
    clock.advance(MAX_AGE + 1);
    const before = await sessionRow(browser);
    for (const input of [{}, { password: "" }, { password: PASSWORD, code: "123456" }, { passkey: 1 }, "pwd"]) {
      const res = await browser.mutation("auth.stepUp.verify", input);
      expect(res.status).toBe(400);
      expect(errorOf(res).data.authCode).toBe("INPUT_INVALID");
    }
    expect(await sessionRow(browser)).toEqual(before);
  });

  it("auth.logoutAll needs a recent proof; a password step-up allows it", async () => {
    const browser = await signedIn("everywhere");
    clock.advance(MAX_AGE + 1);
    const refused = await browser.mutation("auth.logoutAll");
    expect(errorOf(refused).data.authCode).toBe("STEP_UP_REQUIRED");
    expect((await browser.query("user.me")).status).toBe(200);
    expect((await browser.mutation("auth.stepUp.verify", { password: PASSWORD })).status).toBe(200);
    expect(data(await browser.mutation("auth.logoutAll"))).toEqual({ revoked: 1 });
  });

  it("turning TOTP off and new recovery codes take the password in the call instead of a step-up", async () => {
    const { secret, browser } = await twoFactorUser("withpassword");
    clock.advance(MAX_AGE + 1);
    const code = codeAt(secret, clock.now());
    expect(errorOf(await browser.mutation("auth.mfa.recoveryCodes.regenerate", { code })).data.authCode).toBe(
      "STEP_UP_REQUIRED",
    );
    const regenerated = await browser.mutation("auth.mfa.recoveryCodes.regenerate", { code, password: PASSWORD });
    expect(regenerated.status).toBe(200);
    expect(errorOf(await browser.mutation("auth.mfa.totp.disable")).data.authCode).toBe("STEP_UP_REQUIRED");
    expect((await browser.mutation("auth.mfa.totp.disable", { password: PASSWORD })).status).toBe(200);
  });

  it("a session from before step-up (no amr, no auth time) has no level: every sensitive action asks", async () => {
    const browser = await signedIn("legacy");
    await server.database.db
      .updateTable("sessions")
      .set({ amr: null, auth_time: null })
      .where("id", "=", accessClaims<TokenClaims>(browser).sid)
      .execute();
    const refused = await browser.mutation("auth.logoutAll");
    expect(stepUpOf(refused).currentLevel).toBeNull();
    expect((await browser.mutation("auth.stepUp.verify", { password: PASSWORD })).status).toBe(200);
    expect((await browser.mutation("auth.logoutAll")).status).toBe(200);
  });
});
