import { createTollgateClient, type SignedIn } from "@tollgate/client-sdk";
import { CookieJar } from "@tollgate/client-sdk/node";
import type { TollgateTestServer } from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverWithUser } from "./support.js";

/** Records every request's path and whether it went through the batch link (`?batch=1`). */
function recordingFetch() {
  const requests: { path: string; batched: boolean }[] = [];
  const fetchFn = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    requests.push({ path: url.pathname.replace("/trpc/", ""), batched: url.searchParams.has("batch") });
    return globalThis.fetch(input, init);
  };
  return { fetch: fetchFn, requests };
}

describe("procedures that check a password", () => {
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await serverWithUser();
  });
  afterAll(() => server?.close());

  /** A client whose requests are recorded (path, batched or not). */
  function recordedClient(onSessionExpired?: () => void) {
    const recorder = recordingFetch();
    const api = createTollgateClient({
      url: `${server.url}/trpc`,
      cookieJar: new CookieJar(),
      fetch: recorder.fetch,
      proactiveRefresh: false,
      crossTab: false,
      onSessionExpired,
    });
    return { api, requests: recorder.requests };
  }

  async function signedIn(username: string, password: string, onSessionExpired?: () => void) {
    await server.createUser({ username, password });
    const { api, requests } = recordedClient(onSessionExpired);
    await api.auth.login.mutate({ username, password });
    requests.length = 0;
    return { api, requests };
  }

  it("auth.login travels alone, unbatched, while other calls still batch", async () => {
    const { api, requests } = recordedClient();
    const results = await Promise.all([
      api.meta.info.query(),
      api.auth.login.mutate({ username: "sdk-user", password: "sdk password" }),
      api.auth.login.mutate({ username: "sdk-user", password: "sdk password" }),
      api.meta.info.query(),
    ]);
    expect((results[1] as SignedIn).user.username).toBe("sdk-user");
    const logins = requests.filter((r) => r.path.split(",").includes("auth.login"));
    expect(logins).toEqual([
      { path: "auth.login", batched: false },
      { path: "auth.login", batched: false },
    ]);
    expect(requests).toContainEqual({ path: "meta.info,meta.info", batched: true });
  });

  it("auth.changePassword travels alone, unbatched, beside other mutations", async () => {
    const { api, requests } = await signedIn("alone-user", "first password");
    const [changed, revoked] = await Promise.allSettled([
      api.auth.changePassword.mutate({ currentPassword: "first password", newPassword: "second password" }),
      api.auth.revokeSession.mutate({ id: "no-such-session" }),
      api.user.me.query(),
    ]);
    expect(changed.status).toBe("fulfilled");
    expect(revoked.status).toBe("rejected");
    expect(requests.filter((r) => r.path.split(",").includes("auth.changePassword"))).toEqual([
      { path: "auth.changePassword", batched: false },
    ]);
  });

  it("auth.mfa.totp.begin (it checks the password) travels alone, unbatched, beside other calls", async () => {
    const { api, requests } = await signedIn("enrolling-user", "enrolling password");
    const [begun, revoked] = await Promise.allSettled([
      api.auth.mfa.totp.begin.mutate({ password: "enrolling password" }),
      api.auth.revokeSession.mutate({ id: "no-such-session" }),
      api.user.me.query(),
    ]);
    expect(begun.status).toBe("fulfilled");
    expect(revoked.status).toBe("rejected");
    expect(requests.filter((r) => r.path.split(",").includes("auth.mfa.totp.begin"))).toEqual([
      { path: "auth.mfa.totp.begin", batched: false },
    ]);
  });

  it("a wrong current password sends auth.changePassword once and never refreshes", async () => {
    let expired = 0;
    const { api, requests } = await signedIn("careful-user", "right password", () => expired++);
    // Today's server answers UNAUTHORIZED here, later BAD_REQUEST with authCode
    // CURRENT_PASSWORD_WRONG: in either case the SDK must not refresh and retry.
    await expect(
      api.auth.changePassword.mutate({ currentPassword: "wrong password", newPassword: "another password" }),
    ).rejects.toThrow();
    expect(requests.map((r) => r.path)).toEqual(["auth.changePassword"]);
    // The session is untouched: no refresh was attempted, calls keep working.
    expect((await api.user.me.query()).username).toBe("careful-user");
    expect(requests.map((r) => r.path)).toEqual(["auth.changePassword", "user.me"]);
    expect(expired).toBe(0);
  });
});
