import { describe, expect, it } from "vitest";
import { createMemorySessionStore } from "./memory-session-store.js";
import { createSessions, refreshTokenLookupHash } from "./sessions.js";
import type { SessionStore } from "./store.js";
import { rejectionCode as codeOf } from "./testing/auth-error-code.js";

const T0 = Date.UTC(2026, 0, 1);

function setup(store: SessionStore = createMemorySessionStore()) {
  let now = T0;
  const sessions = createSessions({
    store,
    refreshTokenTtl: 30 * 86400,
    idleTimeout: 7 * 86400,
    reuseGrace: 10,
    now: () => now,
  });
  return {
    store,
    sessions,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

describe("refresh rotation", () => {
  it("issues an opaque token of two base64url parts with only hashes stored", async () => {
    const { sessions, store } = setup();
    const { session, refreshToken } = await sessions.create("u1", { userAgent: "ua", ip: "1.2.3.4" });
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const stored = await store.findById(session.id);
    expect(JSON.stringify(stored)).not.toContain(refreshToken.split(".")[1]);
    expect(JSON.stringify(stored)).not.toContain(refreshToken.split(".")[0]);
    expect(stored).toMatchObject({ userAgent: "ua", ip: "1.2.3.4" });
  });

  it("rotates on every use; the new token works, the session keeps its id", async () => {
    const { sessions } = setup();
    const created = await sessions.create("u1");
    const first = await sessions.refresh(created.refreshToken);
    expect(first.refreshToken).not.toBe(created.refreshToken);
    expect(first.replayed).toBe(false);
    expect(first.session.id).toBe(created.session.id);
    const second = await sessions.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it("hands the same successor to the just-rotated token inside the grace", async () => {
    const { sessions, advance } = setup();
    const created = await sessions.create("u1");
    const first = await sessions.refresh(created.refreshToken);
    advance(9);
    const replay = await sessions.refresh(created.refreshToken);
    expect(replay).toMatchObject({ refreshToken: first.refreshToken, replayed: true });
    // The successor is still the live token.
    expect((await sessions.refresh(first.refreshToken)).replayed).toBe(false);
  });

  it("revokes the whole session when the rotated token comes back after the grace", async () => {
    const { sessions, store, advance } = setup();
    const created = await sessions.create("u1");
    const first = await sessions.refresh(created.refreshToken);
    advance(11);
    expect(await codeOf(sessions.refresh(created.refreshToken))).toBe("REFRESH_REUSED");
    expect((await store.findById(created.session.id))?.revokedReason).toBe("refresh_token_reused");
    // The newest token of that session stops working too.
    expect(await codeOf(sessions.refresh(first.refreshToken))).toBe("SESSION_REVOKED");
  });

  it("revokes the session when a token older than the predecessor is presented, even inside the grace", async () => {
    const { sessions } = setup();
    const created = await sessions.create("u1");
    const first = await sessions.refresh(created.refreshToken);
    const second = await sessions.refresh(first.refreshToken);
    expect(await codeOf(sessions.refresh(created.refreshToken))).toBe("REFRESH_REUSED");
    expect(await codeOf(sessions.refresh(second.refreshToken))).toBe("SESSION_REVOKED");
  });

  it("lets racing rotations of one token end with one successor for all", async () => {
    const { sessions } = setup();
    const created = await sessions.create("u1");
    const results = await Promise.all(Array.from({ length: 8 }, () => sessions.refresh(created.refreshToken)));
    const tokens = new Set(results.map((r) => r.refreshToken));
    expect(tokens.size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const [token] = tokens;
    expect((await sessions.refresh(token as string)).replayed).toBe(false);
  });

  it("ends at the absolute lifetime, which rotation never extends", async () => {
    const { sessions, advance } = setup();
    let token = (await sessions.create("u1")).refreshToken;
    for (let day = 0; day < 29; day++) {
      advance(86400);
      token = (await sessions.refresh(token)).refreshToken;
    }
    advance(86400);
    expect(await codeOf(sessions.refresh(token))).toBe("SESSION_EXPIRED");
  });

  it("ends after the idle timeout", async () => {
    const { sessions, advance } = setup();
    const { refreshToken } = await sessions.create("u1");
    advance(7 * 86400 + 1);
    expect(await codeOf(sessions.refresh(refreshToken))).toBe("SESSION_EXPIRED");
  });

  it("refuses malformed, unknown and forged tokens without touching sessions", async () => {
    const { sessions, store } = setup();
    const created = await sessions.create("u1");
    expect(await codeOf(sessions.refresh(""))).toBe("TOKEN_MISSING");
    expect(await codeOf(sessions.refresh("no-dot"))).toBe("TOKEN_INVALID");
    expect(await codeOf(sessions.refresh("a.b.c"))).toBe("TOKEN_INVALID");
    expect(await codeOf(sessions.refresh("bad!.token"))).toBe("TOKEN_INVALID");
    expect(await codeOf(sessions.refresh(`${"A".repeat(300)}.B`))).toBe("TOKEN_INVALID");
    expect(await codeOf(sessions.refresh("AAAAAAAAAAAAAAAAAAAAAA.BBBB"))).toBe("TOKEN_INVALID");
    expect((await store.findById(created.session.id))?.revokedAt).toBeNull();
  });

  it("revokes one session or all of a user's", async () => {
    const { sessions } = setup();
    const a = await sessions.create("u1");
    const b = await sessions.create("u1");
    const c = await sessions.create("u1");
    expect(await sessions.revoke(a.session.id, "logout")).toBe(true);
    expect(await codeOf(sessions.refresh(a.refreshToken))).toBe("SESSION_REVOKED");
    expect(await sessions.revokeAllForUser("u1", "logout_all", c.session.id)).toBe(1);
    expect(await codeOf(sessions.refresh(b.refreshToken))).toBe("SESSION_REVOKED");
    expect((await sessions.refresh(c.refreshToken)).replayed).toBe(false);
  });

  it("records a step-up as the union of proofs and now, without rotating; never on an ended session", async () => {
    const { sessions, advance } = setup();
    const created = await sessions.create("u1", { amr: ["pwd"] });
    advance(600);
    const stepped = await sessions.reauthenticate(created.session.id, ["otp"]);
    expect(stepped.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(stepped.authTime?.getTime()).toBe(T0 + 600_000);
    expect(stepped.currentHash).toBe(created.session.currentHash);
    expect((await sessions.refresh(created.refreshToken)).replayed).toBe(false);
    await sessions.revoke(created.session.id, "logout");
    expect(await codeOf(sessions.reauthenticate(created.session.id, ["pwd"]))).toBe("SESSION_REVOKED");
    expect(await codeOf(sessions.reauthenticate("unknown", ["pwd"]))).toBe("SESSION_REVOKED");
  });

  it("identifies a token's session without rotating it", async () => {
    const { sessions } = setup();
    const created = await sessions.create("u1");
    expect((await sessions.identify(created.refreshToken)).id).toBe(created.session.id);
    expect((await sessions.refresh(created.refreshToken)).replayed).toBe(false);
    expect(await codeOf(sessions.identify("AAAAAAAAAAAAAAAAAAAAAA.BBBB"))).toBe("TOKEN_INVALID");
    expect(await codeOf(sessions.identify("malformed"))).toBe("TOKEN_INVALID");
  });

  it("rejects bad options", () => {
    const store = createMemorySessionStore();
    expect(() => createSessions({ store, refreshTokenTtl: -1, idleTimeout: 1, reuseGrace: 1 })).toThrow(TypeError);
  });
});

describe("refreshTokenLookupHash", () => {
  it("is the hash identify looks a session up by, and refuses what identify refuses", async () => {
    const store = createMemorySessionStore();
    const sessions = createSessions({ store, refreshTokenTtl: 3600, idleTimeout: 600, reuseGrace: 10 });
    const { session, refreshToken } = await sessions.create("user-1");
    expect(refreshTokenLookupHash(refreshToken)).toBe(session.lookupHash);
    expect(() => refreshTokenLookupHash("")).toThrow(expect.objectContaining({ code: "TOKEN_MISSING" }));
    expect(() => refreshTokenLookupHash("no-dot")).toThrow(expect.objectContaining({ code: "TOKEN_INVALID" }));
  });
});
