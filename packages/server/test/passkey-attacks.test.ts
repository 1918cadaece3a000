import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passkeyTables } from "../src/methods/passkey/tables.js";
import { assert, createCredential, type SoftCredential } from "./fixtures/soft-authenticator.js";
import {
  backends,
  createClock,
  data,
  errorOf,
  loginOptions,
  registerPasskey,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

const PASSWORD = "correct horse battery";

/**
 * Every forged or replayed passkey answer is refused with a stable code, and
 * changes nothing: no session, the stored counter and flags as they were.
 */
describe.each(backends())("passkey answers an attacker forges or replays (%s)", (backend) => {
  let server: TestServer;
  let clock: TestClock;

  beforeAll(async () => {
    clock = createClock();
    server = await startTestServer(backend, { clock, config: { loginMaxFailures: 50 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function ownerWithPasskey(username: string): Promise<{ owner: TestBrowser; credential: SoftCredential }> {
    await server.createUser(username, PASSWORD);
    const owner = new TestBrowser(server.url);
    expect((await owner.login(username, PASSWORD)).status).toBe(200);
    const { credential } = await registerPasskey(owner);
    return { owner, credential };
  }

  async function storedCounter(id: string): Promise<number> {
    const row = await passkeyTables(server.database)
      .selectFrom("passkey_credentials")
      .select("counter")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return Number(row.counter);
  }

  /** Sends the answer; expects the code and no session. */
  async function refused(
    device: TestBrowser,
    response: ReturnType<typeof assert>,
    code: string,
    procedure = "auth.passkey.login",
  ) {
    const res = await device.mutation(
      procedure,
      procedure === "auth.mfa.verify" ? { passkey: response } : { response },
    );
    expect(errorOf(res).data.authCode).toBe(code);
    expect(res.setCookies.some((c) => c.startsWith("access_token=") && !c.includes("Max-Age=0"))).toBe(false);
    expect((await device.query("user.me")).status).toBe(401);
  }

  it("a replayed assertion: the challenge was used up by the first", async () => {
    const { credential } = await ownerWithPasskey("atk-replay");
    const device = new TestBrowser(server.url);
    const response = assert(credential, await loginOptions(device), { origin: server.url });
    expect((await device.mutation("auth.passkey.login", { response })).status).toBe(200);
    const counter = await storedCounter(credential.id);
    await refused(new TestBrowser(server.url), response, "PASSKEY_CHALLENGE_INVALID");
    expect(await storedCounter(credential.id)).toBe(counter);
  });

  it("the same challenge answered twice, by two fresh assertions: only the first counts", async () => {
    const { credential } = await ownerWithPasskey("atk-twice");
    const device = new TestBrowser(server.url);
    const options = await loginOptions(device);
    expect(
      (await device.mutation("auth.passkey.login", { response: assert(credential, options, { origin: server.url }) }))
        .status,
    ).toBe(200);
    await refused(
      new TestBrowser(server.url),
      assert(credential, options, { origin: server.url }),
      "PASSKEY_CHALLENGE_INVALID",
    );
  });

  it("an expired challenge (five minutes, injected clock)", async () => {
    const { credential } = await ownerWithPasskey("atk-expired");
    const device = new TestBrowser(server.url);
    const options = await loginOptions(device);
    clock.advance(5 * 60 + 1);
    await refused(device, assert(credential, options, { origin: server.url }), "PASSKEY_CHALLENGE_INVALID");
    expect(await storedCounter(credential.id)).toBe(0);
  });

  it("a challenge nobody handed out", async () => {
    const { credential } = await ownerWithPasskey("atk-made-up");
    const device = new TestBrowser(server.url);
    const options = await loginOptions(device);
    await refused(
      device,
      assert(credential, options, { origin: server.url, challenge: "bWFkZS11cC1jaGFsbGVuZ2U" }),
      "PASSKEY_CHALLENGE_INVALID",
    );
  });

  it("a wrong origin (a phishing page's)", async () => {
    const { credential } = await ownerWithPasskey("atk-origin");
    const device = new TestBrowser(server.url);
    await refused(
      device,
      assert(credential, await loginOptions(device), { origin: "https://evil.example" }),
      "PASSKEY_VERIFICATION_FAILED",
    );
    expect(await storedCounter(credential.id)).toBe(0);
  });

  it("a wrong RP ID in the authenticator data", async () => {
    const { credential } = await ownerWithPasskey("atk-rpid");
    const device = new TestBrowser(server.url);
    await refused(
      device,
      assert(credential, await loginOptions(device), { origin: server.url, rpId: "evil.example" }),
      "PASSKEY_VERIFICATION_FAILED",
    );
  });

  it("a signature counter that goes backwards (a cloned authenticator)", async () => {
    const { credential } = await ownerWithPasskey("atk-counter");
    const device = new TestBrowser(server.url);
    const first = assert(credential, await loginOptions(device), { origin: server.url, counter: 10 });
    expect((await device.mutation("auth.passkey.login", { response: first })).status).toBe(200);
    const clone = new TestBrowser(server.url);
    await refused(
      clone,
      assert(credential, await loginOptions(clone), { origin: server.url, counter: 7 }),
      "PASSKEY_VERIFICATION_FAILED",
    );
    await refused(
      clone,
      assert(credential, await loginOptions(clone), { origin: server.url, counter: 10 }),
      "PASSKEY_VERIFICATION_FAILED",
    );
    expect(await storedCounter(credential.id)).toBe(10);
  });

  it("no user verification: not a sign-in with a passkey alone", async () => {
    const { credential } = await ownerWithPasskey("atk-no-uv");
    const device = new TestBrowser(server.url);
    await refused(
      device,
      assert(credential, await loginOptions(device), { origin: server.url, userVerified: false }),
      "PASSKEY_VERIFICATION_FAILED",
    );
  });

  it("a credential of another user: against options for one account, and as that account's second factor", async () => {
    const victim = await ownerWithPasskey("atk-victim");
    const attacker = await ownerWithPasskey("atk-attacker");
    const device = new TestBrowser(server.url);
    // Options for the victim's account, answered with the attacker's own passkey.
    await refused(
      device,
      assert(attacker.credential, await loginOptions(device, "atk-victim"), { origin: server.url }),
      "PASSKEY_VERIFICATION_FAILED",
    );
    // The victim's password known, the attacker's passkey as second factor.
    expect(data(await device.login("atk-victim", PASSWORD))).toEqual({ mfaRequired: true, methods: ["passkey"] });
    const { passkey: options } = data<{ passkey: PublicKeyCredentialRequestOptionsJSON }>(
      await device.mutation("auth.passkey.mfaOptions"),
    );
    await refused(
      device,
      assert(attacker.credential, options, { origin: server.url }),
      "MFA_CODE_INVALID",
      "auth.mfa.verify",
    );
    expect(await storedCounter(attacker.credential.id)).toBe(0);
    expect(await storedCounter(victim.credential.id)).toBe(0);
  });

  it("a second-factor challenge answered by the sign-in procedure (and the reverse)", async () => {
    const { credential } = await ownerWithPasskey("atk-purpose");
    const device = new TestBrowser(server.url);
    expect((await device.login("atk-purpose", PASSWORD)).status).toBe(200);
    const { passkey: options } = data<{ passkey: PublicKeyCredentialRequestOptionsJSON }>(
      await device.mutation("auth.passkey.mfaOptions"),
    );
    await refused(device, assert(credential, options, { origin: server.url }), "PASSKEY_CHALLENGE_INVALID");
    const other = new TestBrowser(server.url);
    const signInOptions = await loginOptions(other);
    expect((await other.login("atk-purpose", PASSWORD)).status).toBe(200);
    await refused(
      other,
      assert(credential, signInOptions, { origin: server.url }),
      "MFA_CODE_INVALID",
      "auth.mfa.verify",
    );
  });

  it("registration: another user's challenge, a wrong origin, no user verification", async () => {
    await server.createUser("atk-reg", PASSWORD);
    await server.createUser("atk-reg-other", PASSWORD);
    const owner = new TestBrowser(server.url);
    const other = new TestBrowser(server.url);
    expect((await owner.login("atk-reg", PASSWORD)).status).toBe(200);
    expect((await other.login("atk-reg-other", PASSWORD)).status).toBe(200);
    const options = data<Parameters<typeof createCredential>[0]>(await owner.mutation("auth.passkey.registerOptions"));
    const stolen = createCredential(options, { origin: server.url }).response;
    expect(errorOf(await other.mutation("auth.passkey.register", { response: stolen })).data.authCode).toBe(
      "PASSKEY_CHALLENGE_INVALID",
    );
    const again = data<Parameters<typeof createCredential>[0]>(await owner.mutation("auth.passkey.registerOptions"));
    const phished = createCredential(again, { origin: "https://evil.example" }).response;
    expect(errorOf(await owner.mutation("auth.passkey.register", { response: phished })).data.authCode).toBe(
      "PASSKEY_VERIFICATION_FAILED",
    );
    const third = data<Parameters<typeof createCredential>[0]>(await owner.mutation("auth.passkey.registerOptions"));
    const unverified = createCredential(third, { origin: server.url, userVerified: false }).response;
    expect(errorOf(await owner.mutation("auth.passkey.register", { response: unverified })).data.authCode).toBe(
      "PASSKEY_VERIFICATION_FAILED",
    );
    expect(data<unknown[]>(await owner.query("auth.passkey.list"))).toEqual([]);
    expect(data<unknown[]>(await other.query("auth.passkey.list"))).toEqual([]);
  });

  it("a batch with the sign-in: refused before any call runs", async () => {
    const { credential } = await ownerWithPasskey("atk-batch");
    const device = new TestBrowser(server.url);
    const response = assert(credential, await loginOptions(device), { origin: server.url });
    const res = await device.request(
      "POST",
      "/trpc/auth.passkey.login,auth.login?batch=1",
      JSON.stringify({ 0: { response }, 1: { username: "atk-batch", password: PASSWORD } }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("BATCH_NOT_ALLOWED");
    expect(await storedCounter(credential.id)).toBe(0);
    // The challenge was not used: the same answer, alone, still signs in.
    expect((await device.mutation("auth.passkey.login", { response })).status).toBe(200);
  });

  it("malformed answers are INPUT_INVALID", async () => {
    const device = new TestBrowser(server.url);
    for (const response of [{}, { id: "x" }, "text", { id: "a", rawId: "a", type: "public-key", response: {} }]) {
      expect(errorOf(await device.mutation("auth.passkey.login", { response })).data.authCode).toBe("INPUT_INVALID");
    }
  });
});
