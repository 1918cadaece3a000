import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createClock,
  data,
  OTHER_CLIENT,
  OTHER_REDIRECT,
  providerBrowser,
  signInAtProvider,
  startTestProvider,
  startTestServer,
  TestBrowser,
  type TestProvider,
  type TestServer,
} from "./support/index.js";

// Sign-in with another provider, as an attacker would try it: a callback
// whose state is not this browser's, a forged or replayed flow cookie, a
// replayed code, an ID token with another nonce or for another client, a
// denied consent. Each lands on the account page with its code, signed out.

describe.each(backends())("attacks on sign-in with an OpenID provider (%s)", (backend) => {
  let provider: TestProvider;
  let server: TestServer;
  const clock = createClock();

  beforeAll(async () => {
    provider = await startTestProvider();
    server = await startTestServer(backend, {
      clock,
      config: { oidcProviders: [provider.settings("test")], signup: "open" },
    });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  /** Starts a flow in `browser`: the provider's authorization URL Tollgate sent it to. */
  async function start(browser: TestBrowser): Promise<URL> {
    const answer = await browser.navigate("/auth/oidc/test/start");
    expect(answer.status).toBe(303);
    return new URL(answer.location ?? "");
  }

  /** Goes to the callback URL; the account page Tollgate lands on, with its `error`. */
  async function land(browser: TestBrowser, callback: string) {
    const answer = await browser.navigate(callback);
    expect(answer.status).toBe(303);
    expect(answer.body).toBe("");
    const page = new URL(answer.location ?? "");
    expect(page.origin + page.pathname).toBe(`${server.url}/`);
    return { page, error: page.searchParams.get("error"), signedIn: browser.cookies.has("access_token") };
  }

  it("sends PKCE S256, a state and a nonce, and keeps them in a sealed HttpOnly cookie only for the flow's routes", async () => {
    const browser = new TestBrowser(server.url);
    const answer = await browser.navigate("/auth/oidc/test/start");
    const url = new URL(answer.location ?? "");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(url.searchParams.get("nonce")?.length).toBeGreaterThanOrEqual(43);
    const line = answer.setCookies.find((cookie) => cookie.startsWith("oidc_flow="));
    expect(line).toMatch(/; Path=\/auth\/oidc\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // Sealed: nothing of the flow is readable in the cookie.
    const value = browser.cookies.get("oidc_flow")?.value ?? "";
    for (const secret of [url.searchParams.get("state"), url.searchParams.get("nonce")]) {
      expect(value).not.toContain(secret);
    }
    expect(answer.setCookies.some((cookie) => cookie.startsWith("access_token="))).toBe(false);
  });

  it("a tampered state: OIDC_STATE_INVALID, signed out", async () => {
    provider.accounts.set("victim", { email: "victim@example.test", email_verified: true });
    const browser = new TestBrowser(server.url);
    const callback = new URL(await signInAtProvider(providerBrowser(provider), (await start(browser)).href, "victim"));
    callback.searchParams.set("state", randomBytes(32).toString("base64url"));
    expect(await land(browser, callback.href)).toMatchObject({ error: "OIDC_STATE_INVALID", signedIn: false });
  });

  it("a callback in a browser that did not start the flow (login CSRF) or with a forged cookie: OIDC_STATE_INVALID", async () => {
    provider.accounts.set("attacker", { email: "attacker@example.test", email_verified: true });
    const attacker = new TestBrowser(server.url);
    const callback = await signInAtProvider(providerBrowser(provider), (await start(attacker)).href, "attacker");
    const victim = new TestBrowser(server.url);
    expect(await land(victim, callback)).toMatchObject({ error: "OIDC_STATE_INVALID", signedIn: false });

    const forged = new TestBrowser(server.url);
    await start(forged);
    const sealed = forged.cookies.get("oidc_flow");
    if (!sealed) throw new Error("no flow cookie");
    forged.cookies.set("oidc_flow", { ...sealed, value: `${sealed.value.slice(0, -4)}AAAA` });
    expect(await land(forged, callback)).toMatchObject({ error: "OIDC_STATE_INVALID", signedIn: false });
  });

  it("a replayed callback (same code, state and flow cookie): the flow is single use, OIDC_STATE_INVALID", async () => {
    provider.accounts.set("replayed", { email: "replayed@example.test", email_verified: true });
    const browser = new TestBrowser(server.url);
    const callback = await signInAtProvider(providerBrowser(provider), (await start(browser)).href, "replayed");
    const flowCookie = browser.cookies.get("oidc_flow");
    if (!flowCookie) throw new Error("no flow cookie");
    expect(await land(browser, callback)).toMatchObject({ error: null, signedIn: true });

    // The attacker kept the flow cookie and the callback URL (a log, a proxy): both are spent.
    const thief = new TestBrowser(server.url);
    thief.cookies.set("oidc_flow", flowCookie);
    expect(await land(thief, callback)).toMatchObject({ error: "OIDC_STATE_INVALID", signedIn: false });
  });

  it("a replayed code inside a fresh flow: the provider refuses it, OIDC_CODE_INVALID", async () => {
    provider.accounts.set("code-owner", { email: "code.owner@example.test", email_verified: true });
    const browser = new TestBrowser(server.url);
    const used = new URL(await signInAtProvider(providerBrowser(provider), (await start(browser)).href, "code-owner"));
    expect((await land(browser, used.href)).signedIn).toBe(true);

    const thief = new TestBrowser(server.url);
    const fresh = await start(thief);
    const replay = new URL(used);
    replay.searchParams.set("state", fresh.searchParams.get("state") ?? "");
    expect(await land(thief, replay.href)).toMatchObject({ error: "OIDC_CODE_INVALID", signedIn: false });
  });

  it("an ID token with another nonce (a code obtained for another authorization request): OIDC_TOKEN_INVALID", async () => {
    provider.accounts.set("nonce-victim", { email: "nonce@example.test", email_verified: true });
    const browser = new TestBrowser(server.url);
    const authorization = await start(browser);
    // Same PKCE challenge and state, another nonce: only the ID token's nonce differs from the flow's.
    authorization.searchParams.set("nonce", randomBytes(32).toString("base64url"));
    const callback = await signInAtProvider(providerBrowser(provider), authorization.href, "nonce-victim");
    expect(await land(browser, callback)).toMatchObject({ error: "OIDC_TOKEN_INVALID", signedIn: false });
  });

  it("an ID token for another client (audience), substituted in the token response: OIDC_TOKEN_INVALID", async () => {
    provider.accounts.set("audience-victim", { email: "audience@example.test", email_verified: true });
    const browser = new TestBrowser(server.url);
    const authorization = await start(browser);
    provider.substituteNextIdToken(await idTokenForOtherClient(authorization.searchParams.get("nonce") ?? ""));
    const callback = await signInAtProvider(providerBrowser(provider), authorization.href, "audience-victim");
    expect(await land(browser, callback)).toMatchObject({ error: "OIDC_TOKEN_INVALID", signedIn: false });
  });

  it("denied consent (the user cancels at the provider): OIDC_DENIED", async () => {
    const browser = new TestBrowser(server.url);
    const callback = await signInAtProvider(providerBrowser(provider), (await start(browser)).href, "x", {
      abort: true,
    });
    expect(new URL(callback).searchParams.get("error")).toBe("access_denied");
    expect(await land(browser, callback)).toMatchObject({ error: "OIDC_DENIED", signedIn: false });
  });

  it("an unknown provider: OIDC_PROVIDER_UNKNOWN; anything but GET: 405; no flow cookie", async () => {
    const browser = new TestBrowser(server.url);
    const unknown = await browser.navigate("/auth/oidc/nobody/start");
    expect(new URL(unknown.location ?? "").searchParams.get("error")).toBe("OIDC_PROVIDER_UNKNOWN");
    expect(browser.cookies.has("oidc_flow")).toBe(false);
    const post = await fetch(`${server.url}/auth/oidc/test/start`, { method: "POST", redirect: "manual" });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
    expect(data(await browser.query("auth.identities.providers"))).toHaveLength(1);
  });

  /** A full code flow for the other client (its own PKCE), with `nonce`: its ID token, aud "other-app". */
  async function idTokenForOtherClient(nonce: string): Promise<string> {
    const verifier = randomBytes(32).toString("base64url");
    const url = new URL(`${provider.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: OTHER_CLIENT.id,
      redirect_uri: OTHER_REDIRECT,
      response_type: "code",
      scope: "openid",
      state: "other-state",
      nonce,
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
    }).toString();
    const back = new URL(await signInAtProvider(providerBrowser(provider), url.href, "audience-victim"));
    const answer = await fetch(`${provider.issuer}/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${OTHER_CLIENT.id}:${OTHER_CLIENT.secret}`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: back.searchParams.get("code") ?? "",
        redirect_uri: OTHER_REDIRECT,
        code_verifier: verifier,
      }).toString(),
    });
    const tokens = (await answer.json()) as { id_token?: string };
    if (!tokens.id_token) throw new Error(`the other client got no ID token: ${JSON.stringify(tokens)}`);
    return tokens.id_token;
  }
});
