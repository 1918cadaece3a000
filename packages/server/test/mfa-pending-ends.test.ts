import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/cli/commands.js";
import {
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

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a brand new passphrase";

/**
 * A pending second-factor sign-in was started with the old password; after
 * the user (or an operator) acts on the account, a right code must not
 * complete it.
 */
describe.each(backends())("ending pending second-factor sign-ins on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  const start = middleOfTotpStep();

  beforeAll(async () => {
    clock = createClock(start);
    server = await startTestServer(backend, { clock, config: { loginMaxFailures: 100 } });
  });
  afterAll(() => server?.close());

  /** A user with TOTP on, signed in with both factors: the owner's browser and the secret. */
  async function owner(username: string): Promise<{ browser: TestBrowser; secret: string }> {
    await server.createUser(username, PASSWORD);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, PASSWORD)).status).toBe(200);
    const begin = await browser.mutation("auth.mfa.totp.begin", { password: PASSWORD });
    const { secret } = data<{ secret: string }>(begin);
    expect((await browser.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    clock.advance(90);
    return { browser, secret };
  }

  /** The attacker's sign-in with the (old) password, waiting for a code. */
  async function attackerPending(username: string): Promise<TestBrowser> {
    const attacker = new TestBrowser(server.url);
    expect(data(await attacker.login(username, PASSWORD))).toMatchObject({ mfaRequired: true });
    return attacker;
  }

  async function expectEnded(attacker: TestBrowser, secret: string): Promise<void> {
    clock.advance(30);
    const res = await attacker.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) });
    expect(res.status).toBe(401);
    expect(errorOf(res).data.authCode).toBe("MFA_PENDING_INVALID");
    expect((await attacker.query("user.me")).status).toBe(401);
  }

  const cli = (io: { readPassword: () => Promise<string> }) => ({
    database: server.database,
    sessions: server.app.services.auth.sessions,
    io: { ...io, print: () => {} },
  });

  it("auth.changePassword ends them", async () => {
    const { browser, secret } = await owner("change");
    const attacker = await attackerPending("change");
    const change = await browser.mutation("auth.changePassword", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(change.status).toBe(200);
    await expectEnded(attacker, secret);
  });

  it("auth.resetPassword ends them (the resetter's own new pending sign-in still works)", async () => {
    const { secret } = await owner("resetting");
    const attacker = await attackerPending("resetting");
    const user = await server.app.services.users.findByUsername("resetting");
    const token = await server.app.services.tokens.issue(user?.id as string, "password_reset", null);
    const resetter = new TestBrowser(server.url);
    const reset = await resetter.mutation("auth.resetPassword", { token, newPassword: NEW_PASSWORD });
    expect(data(reset)).toMatchObject({ mfaRequired: true });
    await expectEnded(attacker, secret);
    clock.advance(30);
    expect((await resetter.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) })).status).toBe(200);
  });

  it("auth.logoutAll ends them", async () => {
    const { browser, secret } = await owner("everywhere");
    const attacker = await attackerPending("everywhere");
    expect((await browser.mutation("auth.logoutAll")).status).toBe(200);
    await expectEnded(attacker, secret);
  });

  it("the CLI's user:set-password ends them", async () => {
    const { secret } = await owner("operatorset");
    const attacker = await attackerPending("operatorset");
    await runCommand(
      "user:set-password",
      { username: "operatorset", "password-stdin": true },
      cli({ readPassword: async () => NEW_PASSWORD }),
    );
    await expectEnded(attacker, secret);
  });

  it("the CLI's user:mfa-reset ends them", async () => {
    const { secret } = await owner("operatorreset");
    const attacker = await attackerPending("operatorreset");
    await runCommand("user:mfa-reset", { username: "operatorreset" }, cli({ readPassword: async () => "" }));
    await expectEnded(attacker, secret);
  });
});
