import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assert } from "./fixtures/soft-authenticator.js";
import {
  accessClaims,
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  loginOptions,
  middleOfTotpStep,
  registerPasskey,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

const PASSWORD = "correct horse battery";

interface Listed {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  deviceType: string;
  backedUp: boolean;
}

describe.each(backends())("passkeys: register, sign in, second factor (%s)", (backend) => {
  let server: TestServer;
  let clock: TestClock;

  beforeAll(async () => {
    clock = createClock(middleOfTotpStep());
    server = await startTestServer(backend, { clock });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function signedIn(username: string): Promise<TestBrowser> {
    await server.createUser(username, PASSWORD);
    const browser = new TestBrowser(server.url);
    expect((await browser.login(username, PASSWORD)).status).toBe(200);
    return browser;
  }

  it("registers a passkey while signed in and lists it (name, created, last used, device type, backed up)", async () => {
    const browser = await signedIn("pk-register");
    const { id, name } = await registerPasskey(browser, "Laptop");
    expect(name).toBe("Laptop");
    const laptopAt = clock.now();
    clock.advance(1);
    const synced = await registerPasskey(browser, undefined, true);
    expect(synced.name).toBe("Synced passkey 2");
    const list = data<Listed[]>(await browser.query("auth.passkey.list"));
    expect(list).toEqual([
      { id, name: "Laptop", createdAt: laptopAt, lastUsedAt: null, deviceType: "singleDevice", backedUp: false },
      {
        id: synced.id,
        name: "Synced passkey 2",
        createdAt: clock.now(),
        lastUsedAt: null,
        deviceType: "multiDevice",
        backedUp: true,
      },
    ]);
  });

  it("registration options exclude the user's passkeys and require a discoverable, user-verified credential", async () => {
    const browser = await signedIn("pk-options");
    const { id } = await registerPasskey(browser);
    const options = data<{
      excludeCredentials: { id: string }[];
      authenticatorSelection: { residentKey: string; userVerification: string };
      rp: { id: string };
    }>(await browser.mutation("auth.passkey.registerOptions"));
    expect(options.excludeCredentials.map((c) => c.id)).toEqual([id]);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.rp.id).toBe("127.0.0.1");
  });

  it("signs in with a passkey and no username (discoverable): a session with authMethod passkey", async () => {
    const owner = await signedIn("pk-login");
    const { credential } = await registerPasskey(owner, "Phone");
    clock.advance(5);
    const device = new TestBrowser(server.url);
    const options = await loginOptions(device);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const res = await device.mutation("auth.passkey.login", {
      response: assert(credential, options, { origin: server.url }),
    });
    expect(res.status).toBe(200);
    expect(data<{ user: { username: string } }>(res).user.username).toBe("pk-login");
    const sessions = data<{ current: boolean; authMethod: string | null }[]>(await device.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("passkey");
    const [listed] = data<Listed[]>(await device.query("auth.passkey.list"));
    expect(listed?.lastUsedAt).toBe(clock.now());
  });

  it("with a username, the options name that account's passkeys", async () => {
    const owner = await signedIn("pk-named");
    const { credential, id } = await registerPasskey(owner);
    const device = new TestBrowser(server.url);
    const options = await loginOptions(device, "pk-named");
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([id]);
    const res = await device.mutation("auth.passkey.login", {
      response: assert(credential, options, { origin: server.url }),
    });
    expect(res.status).toBe(200);
  });

  it("a passkey sign-in's token carries its proof: hwk or swk (synced) with user, phishing-resistant", async () => {
    const owner = await signedIn("pk-amr");
    const bound = await registerPasskey(owner, "Key");
    const synced = await registerPasskey(owner, "Synced", true);
    for (const [credential, kind] of [
      [bound.credential, "hwk"],
      [synced.credential, "swk"],
    ] as const) {
      const device = new TestBrowser(server.url);
      const options = await loginOptions(device);
      const res = await device.mutation("auth.passkey.login", {
        response: assert(credential, options, { origin: server.url }),
      });
      expect(res.status).toBe(200);
      expect(accessClaims(device)).toMatchObject({
        amr: [kind, "user"],
        acr: "phishing-resistant",
        auth_time: Math.floor(clock.now() / 1000),
      });
    }
  });

  it("a passkey alone is two factors: with TOTP on it still signs in at once", async () => {
    const owner = await signedIn("pk-and-totp");
    const { credential } = await registerPasskey(owner);
    const { secret } = data<{ secret: string }>(await owner.mutation("auth.mfa.totp.begin", { password: PASSWORD }));
    expect((await owner.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) })).status).toBe(200);
    const device = new TestBrowser(server.url);
    const options = await loginOptions(device);
    const res = await device.mutation("auth.passkey.login", {
      response: assert(credential, options, { origin: server.url }),
    });
    expect(data<{ user: { username: string } }>(res).user.username).toBe("pk-and-totp");
  });

  it("is a second factor after a password: login names it, mfaOptions hands out options, auth.mfa.verify completes", async () => {
    const owner = await signedIn("pk-second");
    const { credential, id } = await registerPasskey(owner);
    const device = new TestBrowser(server.url);
    const pending = await device.login("pk-second", PASSWORD);
    expect(data(pending)).toEqual({ mfaRequired: true, methods: ["passkey"] });
    expect((await device.query("user.me")).status).toBe(401);
    const { passkey: options } = data<{ passkey: { challenge: string; allowCredentials: { id: string }[] } }>(
      await device.mutation("auth.passkey.mfaOptions"),
    );
    expect(options.allowCredentials.map((c) => c.id)).toEqual([id]);
    const verified = await device.mutation("auth.mfa.verify", {
      passkey: assert(credential, { challenge: options.challenge, rpId: "127.0.0.1" }, { origin: server.url }),
    });
    expect(verified.status).toBe(200);
    const sessions = data<{ current: boolean; authMethod: string | null }[]>(await device.query("auth.sessions"));
    expect(sessions.find((s) => s.current)?.authMethod).toBe("password+passkey");
  });

  it("mfaOptions without a pending sign-in is MFA_PENDING_INVALID", async () => {
    const res = await new TestBrowser(server.url).mutation("auth.passkey.mfaOptions");
    expect(errorOf(res).data.authCode).toBe("MFA_PENDING_INVALID");
  });

  it("renames and removes a passkey; another user's id is PASSKEY_NOT_FOUND and changes nothing", async () => {
    const owner = await signedIn("pk-manage");
    const { id, credential } = await registerPasskey(owner, "Old name");
    const other = await signedIn("pk-manage-other");
    expect(errorOf(await other.mutation("auth.passkey.rename", { id, name: "Mine" })).data.authCode).toBe(
      "PASSKEY_NOT_FOUND",
    );
    expect(errorOf(await other.mutation("auth.passkey.remove", { id })).data.authCode).toBe("PASSKEY_NOT_FOUND");
    expect(data<Listed[]>(await owner.query("auth.passkey.list"))[0]?.name).toBe("Old name");

    expect((await owner.mutation("auth.passkey.rename", { id, name: "New name" })).status).toBe(200);
    expect(data<Listed[]>(await owner.query("auth.passkey.list"))[0]?.name).toBe("New name");
    expect((await owner.mutation("auth.passkey.remove", { id })).status).toBe(200);
    expect(data<Listed[]>(await owner.query("auth.passkey.list"))).toEqual([]);
    // Removed: it signs nobody in, and the password still does.
    const device = new TestBrowser(server.url);
    const res = await device.mutation("auth.passkey.login", {
      response: assert(credential, await loginOptions(device), { origin: server.url }),
    });
    expect(errorOf(res).data.authCode).toBe("PASSKEY_VERIFICATION_FAILED");
    expect((await device.login("pk-manage", PASSWORD)).status).toBe(200);
  });

  it("managing passkeys needs a session and, by cookie, the CSRF header", async () => {
    const anonymous = new TestBrowser(server.url);
    expect((await anonymous.mutation("auth.passkey.registerOptions")).status).toBe(401);
    expect((await anonymous.query("auth.passkey.list")).status).toBe(401);
    const owner = await signedIn("pk-csrf");
    expect((await owner.mutation("auth.passkey.registerOptions", undefined, { csrf: "" })).status).toBe(403);
  });
});
