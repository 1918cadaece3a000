import { authCodeOf, createTollgateClient, isUnauthorized, type SignedIn } from "@tollgate/client-sdk";
import { CookieJar, createRequestScopedClient } from "@tollgate/client-sdk/node";
import type { TollgateTestServer } from "@tollgate/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { countingFetch, createClientClock, createClock, refreshEvents, serverWithUser } from "./support.js";

describe("client SDK against a real server", () => {
  const clock = createClock();
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await serverWithUser({ clock });
  });
  afterAll(() => server?.close());
  let refreshesBefore = 0;
  beforeEach(async () => {
    refreshesBefore = await refreshEvents(server);
  });

  function client(options: { batch?: boolean; onSessionExpired?: () => void } = {}) {
    const counter = countingFetch();
    const cookieJar = new CookieJar();
    const api = createTollgateClient({
      url: `${server.url}/trpc`,
      cookieJar,
      fetch: counter.fetch,
      proactiveRefresh: false,
      crossTab: false,
      ...options,
    });
    return { api, counter, cookieJar };
  }

  it("signs in and calls typed procedures with cookies and the CSRF header", async () => {
    const { api } = client();
    const signedIn = (await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" })) as SignedIn;
    expect(signedIn.user.username).toBe("sdk-user");
    expect((await api.user.me.query()).username).toBe("sdk-user");
    // A cookie-authenticated mutation: passes only with the CSRF header.
    expect(await api.auth.logout.mutate()).toEqual({ ok: true });
  });

  it.each([true, false])(
    "50 parallel calls with an expired access token make exactly one refresh (batch: %s)",
    async (batch) => {
      const { api, counter } = client({ batch });
      await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
      clock.advance(901);
      const results = await Promise.all(Array.from({ length: 50 }, () => api.user.me.query()));
      expect(results.every((me) => me.username === "sdk-user")).toBe(true);
      expect(counter.count("auth.refresh")).toBe(1);
      // The server audits a refresh without making the caller wait for it.
      await expect.poll(() => refreshEvents(server)).toBe(refreshesBefore + 1);
    },
  );

  it("a failed refresh calls onSessionExpired once and every call fails UNAUTHORIZED", async () => {
    let expired = 0;
    const { api, counter } = client({ onSessionExpired: () => expired++ });
    const { user } = (await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" })) as SignedIn;
    await server.tollgate.services.auth.sessions.revokeAllForUser(user.id, "admin");
    clock.advance(901);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => api.user.me.query()));
    expect(results.every((r) => r.status === "rejected" && isUnauthorized(r.reason))).toBe(true);
    // The calls fail with their own error: the server's reason for refusing the access token.
    expect(new Set(results.map((r) => r.status === "rejected" && authCodeOf(r.reason)))).toEqual(
      new Set(["TOKEN_EXPIRED"]),
    );
    expect(expired).toBe(1);
    expect(counter.count("auth.refresh")).toBe(1);
    // No refresh loop: later calls fail at once without another refresh.
    await expect(api.user.me.query()).rejects.toSatisfy(isUnauthorized);
    expect(counter.count("auth.refresh")).toBe(1);
    expect(expired).toBe(1);
  });

  it("a refresh whose answer is lost is sent again within the reuse grace; the session goes on, not revoked", async () => {
    const counter = countingFetch();
    let lost = false;
    // The server gets the refresh and rotates the token, but its answer (and cookies) never arrive.
    const lossyFetch = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await counter.fetch(input, init);
      if (!lost && counter.calls.at(-1) === "auth.refresh") {
        lost = true;
        await response.arrayBuffer();
        throw new TypeError("fetch failed: connection reset");
      }
      return response;
    };
    let expired = 0;
    const api = createTollgateClient({
      url: `${server.url}/trpc`,
      cookieJar: new CookieJar(),
      fetch: lossyFetch,
      proactiveRefresh: false,
      crossTab: false,
      onSessionExpired: () => expired++,
    });
    await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    clock.advance(901);
    expect((await api.user.me.query()).username).toBe("sdk-user");
    expect(counter.calls).toEqual(["auth.login", "user.me", "auth.refresh", "auth.refresh", "user.me"]);
    // One rotation: the retry presented the just-rotated token and got the same successor back.
    expect((await refreshEvents(server)) - refreshesBefore).toBe(1);
    // That successor is the session's live token: the next refresh is an ordinary one, not theft.
    clock.advance(901);
    expect((await api.user.me.query()).username).toBe("sdk-user");
    expect(counter.count("auth.refresh")).toBe(3);
    const current = (await api.auth.sessions.query()).find((s) => s.current);
    expect(current?.revokedAt).toBeNull();
    expect(expired).toBe(0);
  });

  it("retries only the failed operation of a mixed batch", async () => {
    const { api, counter } = client();
    await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    clock.advance(901);
    counter.calls.length = 0;
    const [info, me] = await Promise.all([api.meta.info.query(), api.user.me.query()]);
    expect(info.name).toBe("tollgate");
    expect(me.username).toBe("sdk-user");
    expect(counter.calls).toEqual(["meta.info,user.me", "auth.refresh", "user.me"]);
  });

  it("never retries auth.login", async () => {
    const { api, counter } = client();
    await expect(api.auth.login.mutate({ username: "sdk-user", password: "wrong" })).rejects.toSatisfy(isUnauthorized);
    expect(counter.calls).toEqual(["auth.login"]);
  });

  it("hands a refresh made during server-side rendering back as Set-Cookie headers the browser can use", async () => {
    const { api: browser, counter, cookieJar } = client();
    await browser.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    // Everything the browser holds, as a Cookie header reaching the SSR server.
    const cookieHeader = (await cookieJar.getCookies(`${server.url}/trpc/auth.refresh`))
      .map((c) => c.cookieString())
      .join("; ");
    clock.advance(901);
    const ssr = createRequestScopedClient({ url: `${server.url}/trpc`, cookieHeader });
    expect((await ssr.client.user.me.query()).username).toBe("sdk-user");
    const forwarded = ssr.setCookieHeaders();
    expect(forwarded.map((line) => line.split("=")[0]).sort()).toEqual(["access_token", "csrf_token", "refresh_token"]);

    // The browser stores them from the rendered page's response.
    for (const line of forwarded) await cookieJar.setCookie(line, `${server.url}/`);
    counter.calls.length = 0;
    // The forwarded access token is accepted: no 401, no refresh of its own.
    expect((await browser.user.me.query()).username).toBe("sdk-user");
    expect(counter.calls).toEqual(["user.me"]);
    // Its next refresh presents the rotated token; the one it held before would be reuse, past the grace.
    clock.advance(901);
    expect((await browser.user.me.query()).username).toBe("sdk-user");
    expect(counter.calls).toEqual(["user.me", "user.me", "auth.refresh", "user.me"]);
  });

  it("the server-side-rendering client honours the Path and Max-Age of the cookies the API sets", async () => {
    const jar = new CookieJar();
    const browser = createTollgateClient({
      url: `${server.url}/trpc`,
      cookieJar: jar,
      crossTab: false,
      proactiveRefresh: false,
    });
    await browser.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    // A page under /trpc/auth.refresh gets all three cookies from the browser.
    const cookieHeader = await jar.getCookieString(`${server.url}/trpc/auth.refresh`);
    const sent: string[] = [];
    const recordCookies = (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const names = [...(new Headers(init?.headers).get("cookie")?.matchAll(/(?:^|; )([^=]+)=/g) ?? [])].map(
        (m) => m[1],
      );
      sent.push(`${new URL(url).pathname.replace("/trpc/", "")}: ${names.sort().join(" ")}`);
      return globalThis.fetch(input, init);
    };
    const ssr = createRequestScopedClient({ url: `${server.url}/trpc`, cookieHeader, fetch: recordCookies });
    clock.advance(901);
    expect((await ssr.client.user.me.query()).username).toBe("sdk-user");
    clock.advance(901);
    expect((await ssr.client.user.me.query()).username).toBe("sdk-user");
    await ssr.client.auth.logout.mutate();
    await ssr.client.meta.info.query();
    expect(sent).toEqual([
      // The browser's cookies, Path unknown: sent everywhere until the API replaces them.
      "user.me: access_token csrf_token known_device refresh_token",
      "auth.refresh: access_token csrf_token known_device refresh_token",
      // The new refresh cookie has Path=/trpc/auth.refresh: nowhere else, and never twice.
      "user.me: access_token csrf_token known_device",
      "user.me: access_token csrf_token known_device",
      "auth.refresh: access_token csrf_token known_device refresh_token",
      "user.me: access_token csrf_token known_device",
      "auth.logout: access_token csrf_token known_device",
      // Logout cleared the session's cookies (Max-Age=0); the known-device cookie outlives sign-out.
      "meta.info: known_device",
    ]);
    expect(ssr.setCookieHeaders().filter((line) => line.startsWith("refresh_token="))).toHaveLength(3);
  });
});

describe("proactive refresh", () => {
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await serverWithUser({ config: { accessTokenTtl: 7 } });
  });
  afterAll(() => server?.close());

  it("times refreshes from the lifetime the server reports, even with a client clock 10 minutes ahead", async () => {
    const counter = countingFetch();
    // By this clock every token has expired long ago: timing from it refreshed without pause.
    const clientClock = createClientClock(Date.now() + 600_000);
    const api = createTollgateClient({
      url: `${server.url}/trpc`,
      cookieJar: new CookieJar(),
      fetch: counter.fetch,
      crossTab: false,
      now: clientClock.now,
      timers: clientClock.timers,
    });
    await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    // Lifetime 5–6 s by the server's Date header: refreshed after the 5 s floor, not at once.
    expect(clientClock.advance(4_000)).toBe(0);
    expect(counter.count("auth.refresh")).toBe(0);
    expect(clientClock.advance(5_000)).toBe(1);
    await vi.waitFor(() => expect(counter.count("auth.refresh")).toBe(1), { timeout: 5_000, interval: 50 });
    // The refreshed token is valid: the call goes out once, no 401, no second refresh.
    expect((await api.user.me.query()).username).toBe("sdk-user");
    expect(counter.count("user.me")).toBe(1);
    expect(counter.count("auth.refresh")).toBe(1);
  });
});
