import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitHubIdentity } from "../src/methods/oidc/github-provider.js";
import { startTestServer, TestBrowser, type TestServer } from "./support/index.js";

// The GitHub preset (plain OAuth 2 through arctic): what Tollgate sends the
// browser to, a refusal coming back, and how GitHub's user and addresses
// become an identity. The exchange with GitHub itself needs GitHub: it is
// not run here (no GitHub runs on this machine, and a stand-in would be a mock).

describe("the GitHub preset", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer("sqlite", {
      config: {
        oidcProviders: [
          {
            name: "github",
            label: "GitHub",
            protocol: "github",
            issuer: undefined,
            clientId: "Iv1.github-client",
            clientSecret: "github-secret",
            scopes: ["read:user", "user:email"],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("sends the browser to GitHub's authorize endpoint with PKCE S256, state and the callback", async () => {
    const browser = new TestBrowser(server.url);
    const start = await browser.navigate("/auth/oidc/github/start");
    expect(start.status).toBe(303);
    const url = new URL(start.location ?? "");
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "Iv1.github-client",
      redirect_uri: `${server.url}/auth/oidc/github/callback`,
      scope: "read:user user:email",
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(browser.cookies.has("oidc_flow")).toBe(true);
  });

  it("a refusal at GitHub lands on the account page as OIDC_DENIED; a foreign state as OIDC_STATE_INVALID", async () => {
    const browser = new TestBrowser(server.url);
    const state = new URL((await browser.navigate("/auth/oidc/github/start")).location ?? "").searchParams.get("state");
    const other = new TestBrowser(server.url);
    const foreign = await other.navigate(`/auth/oidc/github/callback?code=x&state=${state}`);
    expect(new URL(foreign.location ?? "").searchParams.get("error")).toBe("OIDC_STATE_INVALID");
    const denied = await browser.navigate(`/auth/oidc/github/callback?error=access_denied&state=${state}`);
    expect(new URL(denied.location ?? "").searchParams.get("error")).toBe("OIDC_DENIED");
    expect(browser.cookies.has("access_token")).toBe(false);
  });

  it("the identity is GitHub's numeric id; the address is the primary one, verified only when GitHub says so", () => {
    const user = { id: 583231, login: "octocat", name: "The Octocat" };
    expect(
      gitHubIdentity(user, [
        { email: "old@example.test", primary: false, verified: true },
        { email: "octo@example.test", primary: true, verified: true },
      ]),
    ).toEqual({
      subject: "583231",
      email: "octo@example.test",
      emailVerified: true,
      givenName: "The",
      familyName: "Octocat",
      preferredUsername: "octocat",
    });
    expect(gitHubIdentity(user, [{ email: "octo@example.test", primary: true, verified: false }])).toMatchObject({
      email: "octo@example.test",
      emailVerified: false,
    });
    expect(gitHubIdentity({ id: 1, login: "nobody" }, [])).toMatchObject({ email: null, emailVerified: false });
  });
});
