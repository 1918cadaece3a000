import { describe, expect, it } from "vitest";
import { createAuth } from "./auth.js";
import { createMemorySessionStore } from "./memory-session-store.js";

describe("createAuth", () => {
  it("wires tokens, CSRF, cookies, sessions and passwords from one set of options", async () => {
    const auth = await createAuth({
      secret: "z".repeat(32),
      issuer: "https://tollgate.test",
      audience: "tollgate",
      store: createMemorySessionStore(),
      accessTokenTtl: 900,
      refreshTokenTtl: 3600,
      sessionIdleTimeout: 600,
      refreshReuseGrace: 10,
      cookies: { secure: true, sameSite: "strict", refreshPath: "/trpc/auth.refresh" },
    });
    const { session, refreshToken } = await auth.sessions.create("u1");
    const access = await auth.accessTokens.issue({ userId: "u1", sessionId: session.id });
    expect((await auth.accessTokens.verify(access.token)).sid).toBe(session.id);
    const csrf = auth.csrf.issue(session.id);
    expect(() => auth.csrf.verify({ header: csrf, cookie: csrf, sessionId: session.id })).not.toThrow();
    expect(auth.cookies.names.accessToken).toBe("__Host-access_token");
    expect(auth.cookies.set({ accessToken: access.token, refreshToken, csrfToken: csrf })).toHaveLength(3);
  });

  it("refuses SameSite=None without Secure", async () => {
    await expect(
      createAuth({
        secret: "z".repeat(32),
        issuer: "i",
        audience: "a",
        store: createMemorySessionStore(),
        accessTokenTtl: 900,
        refreshTokenTtl: 3600,
        sessionIdleTimeout: 600,
        refreshReuseGrace: 10,
        cookies: { secure: false, sameSite: "none", refreshPath: "/r" },
      }),
    ).rejects.toThrow(TypeError);
  });
});
