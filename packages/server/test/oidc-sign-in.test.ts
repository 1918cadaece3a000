import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessClaims,
  backends,
  codeAt,
  createClock,
  data,
  errorOf,
  middleOfTotpStep,
  providerBrowser,
  signInAtProvider,
  startTestProvider,
  startTestServer,
  TestBrowser,
  type TestProvider,
  type TestServer,
} from "./support/index.js";

// Sign-in with another provider over real HTTP: a real OpenID provider
// (oidc-provider) on a free port, Tollgate's start and callback routes, the
// browser's redirects followed by hand. The round trip to a session, linking
// by a verified address only, sign-up by the SIGNUP policy, the second factor
// still asked, and linked identities listed and unlinked.

const PASSWORD = "correct horse battery";

interface Identity {
  id: string;
  provider: string;
  label: string;
  email: string | null;
  createdAt: number;
}

describe.each(backends())("sign-in with an OpenID provider (%s)", (backend) => {
  let provider: TestProvider;
  let open: TestServer;
  let closed: TestServer;
  let verifying: TestServer;
  const clock = createClock(middleOfTotpStep());

  beforeAll(async () => {
    provider = await startTestProvider();
    const oidcProviders = [provider.settings("test")];
    open = await startTestServer(backend, { clock, config: { oidcProviders, signup: "open" } });
    closed = await startTestServer(backend, { clock, config: { oidcProviders, signup: "closed" } });
    verifying = await startTestServer(backend, {
      clock,
      config: { oidcProviders, signup: "open", emailVerification: "required" },
    });
  });
  afterAll(async () => {
    await open?.close();
    await closed?.close();
    await verifying?.close();
    await provider?.close();
  });

  /** Start at Tollgate, sign in at the provider as `login`, come back: where Tollgate sends the browser last. */
  async function roundTrip(server: TestServer, login: string, browser = new TestBrowser(server.url)) {
    const start = await browser.navigate("/auth/oidc/test/start");
    expect(start.status).toBe(303);
    const callback = await signInAtProvider(providerBrowser(provider), start.location ?? "", login);
    expect(callback.startsWith(`${server.url}/auth/oidc/test/callback?`)).toBe(true);
    const landing = await browser.navigate(callback);
    expect(landing.status).toBe(303);
    return { browser, landing: new URL(landing.location ?? "") };
  }

  it("lists the configured providers for the account page", async () => {
    const browser = new TestBrowser(open.url);
    expect(data(await browser.query("auth.identities.providers"))).toEqual([{ name: "test", label: "Test ID" }]);
  });

  it("round trip: a new identity signs up (SIGNUP=open) and is signed in with amr fed", async () => {
    provider.accounts.set("new-person", {
      email: "new.person@example.test",
      email_verified: true,
      given_name: "New",
      family_name: "Person",
      preferred_username: "newperson",
    });
    const { browser, landing } = await roundTrip(open, "new-person");
    expect(landing.href).toBe(`${open.url}/`);
    expect(browser.cookies.get("oidc_flow")).toBeUndefined();
    const me = data<{ username: string; email: string; emailVerified: boolean; firstName: string }>(
      await browser.query("user.me"),
    );
    expect(me).toMatchObject({
      username: "newperson",
      email: "new.person@example.test",
      emailVerified: true,
      firstName: "New",
    });
    expect(accessClaims(browser)).toMatchObject({ amr: ["fed"], acr: "password" });
    const [identity] = data<Identity[]>(await browser.query("auth.identities.list"));
    expect(identity).toMatchObject({ provider: "test", label: "Test ID", email: "new.person@example.test" });

    // The same identity signs in to the same account again.
    const again = await roundTrip(open, "new-person");
    expect(data<{ username: string }>(await again.browser.query("user.me")).username).toBe("newperson");
  });

  it("links by address only when the provider verified it and the local address is verified too", async () => {
    const verifiedId = await closed.createUser("alice", PASSWORD);
    await closed.app.services.users.attachEmail(verifiedId, "alice@example.test");
    provider.accounts.set("alice-at-idp", { email: "alice@example.test", email_verified: true });
    const { browser, landing } = await roundTrip(closed, "alice-at-idp");
    expect(landing.href).toBe(`${closed.url}/`);
    expect(data<{ id: string }>(await browser.query("user.me")).id).toBe(verifiedId);
  });

  it("an unverified address at the provider never links (SIGNUP=closed: SIGNUP_CLOSED)", async () => {
    const bobId = await closed.createUser("bob", PASSWORD);
    await closed.app.services.users.attachEmail(bobId, "bob@example.test");
    provider.accounts.set("mallory-as-bob", { email: "bob@example.test", email_verified: false });
    const { browser, landing } = await roundTrip(closed, "mallory-as-bob");
    expect(landing.searchParams.get("error")).toBe("SIGNUP_CLOSED");
    expect(browser.cookies.get("access_token")).toBeUndefined();
    const bob = new TestBrowser(closed.url);
    await bob.login("bob", PASSWORD);
    expect(data<Identity[]>(await bob.query("auth.identities.list"))).toEqual([]);
  });

  it("a verified address at the provider does not link to an account whose own address is unverified", async () => {
    const carolId = await open.createUser("carol", PASSWORD);
    await open.app.services.users.updateProfile(carolId, { email: "carol@example.test" });
    provider.accounts.set("carol-at-idp", { email: "carol@example.test", email_verified: true });
    const { browser } = await roundTrip(open, "carol-at-idp");
    // A new account (SIGNUP=open), without the address another account holds.
    const me = data<{ id: string; email: string | null }>(await browser.query("user.me"));
    expect(me.id).not.toBe(carolId);
    expect(me.email).toBeNull();
  });

  it("EMAIL_VERIFICATION=required: no account is made for an identity without a verified address", async () => {
    provider.accounts.set("unverified-newcomer", { email: "newcomer@example.test", email_verified: false });
    const refused = await roundTrip(verifying, "unverified-newcomer");
    expect(refused.landing.searchParams.get("error")).toBe("EMAIL_NOT_VERIFIED");
    expect(refused.browser.cookies.get("access_token")).toBeUndefined();

    provider.accounts.set("verified-newcomer", { email: "verified.newcomer@example.test", email_verified: true });
    const accepted = await roundTrip(verifying, "verified-newcomer");
    expect(data<{ emailVerified: boolean }>(await accepted.browser.query("user.me")).emailVerified).toBe(true);
  });

  it("still asks the second factor of an account with TOTP on", async () => {
    const daveId = await closed.createUser("dave", PASSWORD);
    await closed.app.services.users.attachEmail(daveId, "dave@example.test");
    const dave = new TestBrowser(closed.url);
    await dave.login("dave", PASSWORD);
    const { secret } = data<{ secret: string }>(await dave.mutation("auth.mfa.totp.begin", { password: PASSWORD }));
    data(await dave.mutation("auth.mfa.totp.confirm", { code: codeAt(secret, clock.now()) }));
    clock.advance(30_000);

    provider.accounts.set("dave-at-idp", { email: "dave@example.test", email_verified: true });
    const { browser, landing } = await roundTrip(closed, "dave-at-idp");
    expect(landing.searchParams.get("mfa")).toBe("totp,recovery_code");
    expect(browser.cookies.get("access_token")).toBeUndefined();
    expect(errorOf(await browser.query("user.me")).data.code).toBe("UNAUTHORIZED");
    data(await browser.mutation("auth.mfa.verify", { code: codeAt(secret, clock.now()) }));
    expect(data<{ id: string }>(await browser.query("user.me")).id).toBe(daveId);
    expect(accessClaims(browser)).toMatchObject({ amr: ["otp", "fed", "mfa"], acr: "two-factor" });
  });

  it("refuses to unlink the last way to sign in of an account without a password", async () => {
    provider.accounts.set("only-idp", { email: "only@example.test", email_verified: true });
    const { browser } = await roundTrip(open, "only-idp");
    const [identity] = data<Identity[]>(await browser.query("auth.identities.list"));
    const refused = errorOf(await browser.mutation("auth.identities.unlink", { id: identity?.id }));
    expect(refused.data.authCode).toBe("IDENTITY_LAST_SIGN_IN");
    expect(data<Identity[]>(await browser.query("auth.identities.list"))).toHaveLength(1);
  });

  it("an account without a password is never offered a password step-up, and signs in with no password", async () => {
    provider.accounts.set("no-password", { email: "no.password@example.test", preferred_username: "nopassword" });
    const { browser } = await roundTrip(open, "no-password");
    clock.advance(301_000);
    data(await browser.mutation("auth.refresh"));
    const stale = errorOf(await browser.mutation("auth.identities.linkStart", { provider: "test" }));
    expect(stale.data.authCode).toBe("STEP_UP_REQUIRED");
    expect((stale.data as { stepUp?: { methods: string[] } }).stepUp?.methods).toEqual([]);
    // The unusable hash verifies nothing, whatever is typed.
    const guess = errorOf(await new TestBrowser(open.url).login("nopassword", "!"));
    expect(guess.data.authCode).toBe("INVALID_CREDENTIALS");
  });

  it("unlinks an identity of an account that has a password; another account's id is IDENTITY_NOT_FOUND", async () => {
    const erinId = await closed.createUser("erin", PASSWORD);
    await closed.app.services.users.attachEmail(erinId, "erin@example.test");
    provider.accounts.set("erin-at-idp", { email: "erin@example.test", email_verified: true });
    const { browser } = await roundTrip(closed, "erin-at-idp");
    const [identity] = data<Identity[]>(await browser.query("auth.identities.list"));

    const stranger = new TestBrowser(closed.url);
    await closed.createUser("frank", PASSWORD);
    await stranger.login("frank", PASSWORD);
    const foreign = errorOf(await stranger.mutation("auth.identities.unlink", { id: identity?.id }));
    expect(foreign.data.authCode).toBe("IDENTITY_NOT_FOUND");

    expect(data(await browser.mutation("auth.identities.unlink", { id: identity?.id }))).toEqual({ ok: true });
    expect(data<Identity[]>(await browser.query("auth.identities.list"))).toEqual([]);
  });

  it("links an identity to the signed-in account after a recent proof (step-up)", async () => {
    await closed.createUser("grace", PASSWORD);
    const grace = new TestBrowser(closed.url);
    await grace.login("grace", PASSWORD);
    provider.accounts.set("grace-elsewhere", { email: "someone.else@example.test", email_verified: false });
    const { url } = data<{ url: string }>(await grace.mutation("auth.identities.linkStart", { provider: "test" }));
    const callback = await signInAtProvider(providerBrowser(provider), url, "grace-elsewhere");
    const landing = new URL((await grace.navigate(callback)).location ?? "");
    expect(landing.searchParams.get("linked")).toBe("test");
    expect(data<Identity[]>(await grace.query("auth.identities.list"))).toMatchObject([{ provider: "test" }]);

    // Past STEP_UP_MAX_AGE, linking asks for a fresh proof first.
    clock.advance(301_000);
    data(await grace.mutation("auth.refresh"));
    const stale = errorOf(await grace.mutation("auth.identities.linkStart", { provider: "test" }));
    expect(stale.data.authCode).toBe("STEP_UP_REQUIRED");
  });
});
