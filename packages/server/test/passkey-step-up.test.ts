import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assert } from "./fixtures/soft-authenticator.js";
import {
  backends,
  createClock,
  data,
  errorOf,
  middleOfTotpStep,
  registerPasskey,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

// Adding or removing a passkey is a sensitive action: after STEP_UP_MAX_AGE a
// session alone (a stolen one) can do neither; the current password in the
// call, or a step-up (here with one of the user's passkeys), lets it through.

const PASSWORD = "correct horse battery";
const MAX_AGE = 120;

interface ProofState {
  level: string | null;
  amr: string[];
  methods: string[];
  prepared: Record<string, { passkey?: PublicKeyCredentialRequestOptionsJSON }>;
}

function stepUpMethodsOf(result: Parameters<typeof errorOf>[0]): string[] {
  return (errorOf(result).data as unknown as { stepUp: { methods: string[] } }).stepUp.methods;
}

describe.each(backends())("passkeys and step-up (%s)", (backend) => {
  let server: TestServer;
  let clock: TestClock;

  beforeAll(async () => {
    clock = createClock(middleOfTotpStep());
    server = await startTestServer(backend, { clock, config: { stepUpMaxAge: MAX_AGE } });
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

  const listed = async (browser: TestBrowser) =>
    data<{ id: string }[]>(await browser.query("auth.passkey.list")).map((p) => p.id);

  it("right after signing in, a passkey is added without asking again", async () => {
    const browser = await signedIn("pk-fresh");
    const { id } = await registerPasskey(browser);
    expect(await listed(browser)).toEqual([id]);
  });

  it("after STEP_UP_MAX_AGE, registration options are STEP_UP_REQUIRED (no challenge handed out); with the password they are given", async () => {
    const browser = await signedIn("pk-old-add");
    clock.advance(MAX_AGE + 1);
    const refused = await browser.mutation("auth.passkey.registerOptions");
    expect(errorOf(refused).data).toMatchObject({ httpStatus: 403, authCode: "STEP_UP_REQUIRED" });
    expect(stepUpMethodsOf(refused)).toEqual(["password"]);

    const wrong = await browser.mutation("auth.passkey.registerOptions", { password: "not the password" });
    expect(errorOf(wrong).data).toMatchObject({ authCode: "CURRENT_PASSWORD_WRONG" });

    const given = await browser.mutation("auth.passkey.registerOptions", { password: PASSWORD });
    expect(given.status).toBe(200);
    expect(data<{ challenge: string }>(given).challenge).toEqual(expect.any(String));
    expect(await listed(browser)).toEqual([]);
  });

  it("after STEP_UP_MAX_AGE, removing a passkey is STEP_UP_REQUIRED and keeps it; a step-up with a passkey allows it", async () => {
    const browser = await signedIn("pk-old-remove");
    const { id, credential } = await registerPasskey(browser, "Laptop");
    clock.advance(MAX_AGE + 1);

    const refused = await browser.mutation("auth.passkey.remove", { id });
    expect(errorOf(refused).data).toMatchObject({ httpStatus: 403, authCode: "STEP_UP_REQUIRED" });
    expect(stepUpMethodsOf(refused)).toEqual(["password", "passkey"]);
    expect(await listed(browser)).toEqual([id]);

    const options = data<ProofState>(await browser.mutation("auth.stepUp.options"));
    expect(options.methods).toEqual(["password", "passkey"]);
    const request = options.prepared.passkey?.passkey;
    if (!request) throw new Error("auth.stepUp.options prepared no passkey request");
    expect(request.allowCredentials?.map((c) => c.id)).toEqual([id]);
    const passkey = assert(credential, request, { origin: server.url });
    const verified = await browser.mutation("auth.stepUp.verify", { passkey });
    expect(verified.status).toBe(200);
    expect(data<ProofState>(verified).amr).toEqual(expect.arrayContaining(["pwd", "hwk"]));

    // The same assertion again proves nothing: its challenge was single use.
    const replayed = await browser.mutation("auth.stepUp.verify", { passkey });
    expect(errorOf(replayed).data).toMatchObject({ authCode: "MFA_CODE_INVALID" });

    expect((await browser.mutation("auth.passkey.remove", { id })).status).toBe(200);
    expect(await listed(browser)).toEqual([]);
  });

  it("the current password in the call removes a passkey without a step-up; a wrong one keeps it", async () => {
    const browser = await signedIn("pk-remove-password");
    const { id } = await registerPasskey(browser);
    clock.advance(MAX_AGE + 1);
    const wrong = await browser.mutation("auth.passkey.remove", { id, password: "not the password" });
    expect(errorOf(wrong).data).toMatchObject({ authCode: "CURRENT_PASSWORD_WRONG" });
    expect(await listed(browser)).toEqual([id]);
    expect((await browser.mutation("auth.passkey.remove", { id, password: PASSWORD })).status).toBe(200);
    expect(await listed(browser)).toEqual([]);
  });

  it("another user's passkey never proves this user at step-up", async () => {
    const owner = await signedIn("pk-step-owner");
    const own = await registerPasskey(owner);
    const other = await signedIn("pk-step-other");
    const theirs = await registerPasskey(other);
    clock.advance(MAX_AGE + 1);
    const request = data<ProofState>(await owner.mutation("auth.stepUp.options")).prepared.passkey?.passkey;
    if (!request) throw new Error("auth.stepUp.options prepared no passkey request");
    const foreign = assert(theirs.credential, request, { origin: server.url });
    expect(errorOf(await owner.mutation("auth.stepUp.verify", { passkey: foreign })).data).toMatchObject({
      authCode: "MFA_CODE_INVALID",
    });
    expect(errorOf(await owner.mutation("auth.passkey.remove", { id: own.id })).data).toMatchObject({
      authCode: "STEP_UP_REQUIRED",
    });
  });

  it("registration options and removal travel alone: inside a batch they are refused and never run", async () => {
    const browser = await signedIn("pk-batch");
    const { id } = await registerPasskey(browser);
    const batch = await browser.request(
      "POST",
      "/trpc/auth.passkey.remove,auth.passkey.registerOptions?batch=1",
      JSON.stringify({ 0: { id, password: PASSWORD } }),
    );
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body)).toContain("BATCH_NOT_ALLOWED");
    expect(await listed(browser)).toEqual([id]);
  });
});
