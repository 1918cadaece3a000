import { describe, expect, it } from "vitest";
import { createAuth } from "./auth.js";
import { createMemorySessionStore } from "./memory-session-store.js";
import { createRevocations, type RevocationPublisher } from "./revocations.js";
import { createSessions } from "./sessions.js";
import type { SessionStore } from "./store.js";
import { rejectionCode } from "./testing/auth-error-code.js";

const T0 = Date.UTC(2026, 0, 1);
const TTL = 900;

function codeOf(run: () => Promise<void> | undefined): Promise<string> {
  return rejectionCode((async () => run())());
}

function recordingPublisher(): RevocationPublisher & { told: string[][] } {
  const told: string[][] = [];
  return {
    told,
    async publish(ids) {
      told.push([...ids]);
    },
  };
}

function setup(store: SessionStore = createMemorySessionStore()) {
  let now = T0;
  const clock = () => now;
  const publisher = recordingPublisher();
  const sessions = createSessions({
    store,
    refreshTokenTtl: 86_400,
    idleTimeout: 3600,
    reuseGrace: 10,
    publisher,
    now: clock,
  });
  const revocations = createRevocations({ store, accessTokenTtl: TTL, now: clock });
  return {
    store,
    sessions,
    revocations,
    publisher,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

describe("sessions tell the publisher every session they end", () => {
  it("logout, revocation of all but one, and a replayed refresh token", async () => {
    const { sessions, publisher, advance } = setup();
    const a = await sessions.create("u1");
    const b = await sessions.create("u1");
    const c = await sessions.create("u1");
    const d = await sessions.create("u2");
    await sessions.revoke(a.session.id, "logout");
    expect(publisher.told).toEqual([[a.session.id]]);
    // Already ended: nothing new to tell.
    await sessions.revoke(a.session.id, "logout");
    expect(publisher.told).toHaveLength(1);
    expect(await sessions.revokeAllForUser("u1", "logout_all", c.session.id)).toBe(1);
    expect(publisher.told.at(-1)).toEqual([b.session.id]);
    expect(await sessions.revokeAllForUser("u1", "password_changed")).toBe(1);
    expect(publisher.told.at(-1)).toEqual([c.session.id]);
    expect(await sessions.revokeAllForUser("u1", "admin")).toBe(0);
    expect(publisher.told).toHaveLength(3);

    await sessions.refresh(d.refreshToken);
    advance(11);
    await rejectionCode(sessions.refresh(d.refreshToken));
    expect(publisher.told.at(-1)).toEqual([d.session.id]);
  });
});

describe("revocation checks", () => {
  it("starts fail-safe: in database mode every check reads the session", async () => {
    const { sessions, revocations } = setup();
    expect(revocations.mode).toBe("database");
    const live = await sessions.create("u1");
    const ended = await sessions.create("u1");
    await sessions.revoke(ended.session.id, "logout");
    await expect(revocations.check(live.session.id)).resolves.toBeUndefined();
    expect(await codeOf(() => revocations.check(ended.session.id))).toBe("SESSION_REVOKED");
    // A session the store does not know (deleted with its user, purged) is refused too.
    expect(await codeOf(() => revocations.check("unknown"))).toBe("SESSION_REVOKED");
  });

  it("live: a memory lookup only (no promise, no store read); reload brings the last TTL's revocations", async () => {
    const { sessions, revocations, advance } = setup();
    const old = await sessions.create("u1");
    const recent = await sessions.create("u1");
    const live = await sessions.create("u1");
    await sessions.revoke(old.session.id, "logout");
    advance(TTL + 10);
    await sessions.revoke(recent.session.id, "logout");
    revocations.setMode("live");
    expect(revocations.check(recent.session.id)).toBeUndefined(); // not known yet: live trusts memory
    expect(await revocations.reload()).toBe(1);
    expect(revocations.size).toBe(1);
    expect(await codeOf(() => revocations.check(recent.session.id))).toBe("SESSION_REVOKED");
    // Ended longer ago than any of its tokens can live: not loaded, nothing to refuse.
    expect(revocations.check(old.session.id)).toBeUndefined();
    expect(revocations.check(live.session.id)).toBeUndefined();
  });

  it("loads the sessions revoked after an instant, and takes ids told by other instances", async () => {
    const { sessions, revocations, advance } = setup();
    const before = await sessions.create("u1");
    const after = await sessions.create("u1");
    await sessions.revoke(before.session.id, "logout");
    advance(5);
    await sessions.revoke(after.session.id, "logout");
    revocations.setMode("live");
    expect(await revocations.loadSince(new Date(T0 + 1000))).toBe(1);
    expect(await codeOf(() => revocations.check(after.session.id))).toBe("SESSION_REVOKED");
    expect(revocations.check(before.session.id)).toBeUndefined();
    revocations.add([before.session.id]);
    expect(await codeOf(() => revocations.check(before.session.id))).toBe("SESSION_REVOKED");
  });
});

describe("createAuth", () => {
  it("refuses a cached verification of an ended session's token: the cache does not bypass the check", async () => {
    let now = T0;
    const publisher = recordingPublisher();
    const auth = await createAuth({
      secret: "z".repeat(32),
      issuer: "i",
      audience: "a",
      store: createMemorySessionStore(),
      accessTokenTtl: TTL,
      refreshTokenTtl: 3600,
      sessionIdleTimeout: 600,
      refreshReuseGrace: 10,
      cookies: { secure: false, sameSite: "lax", refreshPath: "/r" },
      revocationPublisher: publisher,
      now: () => now,
    });
    auth.revocations.setMode("live");
    const { session } = await auth.sessions.create("u1");
    const { token } = await auth.accessTokens.issue({ userId: "u1", sessionId: session.id });
    const verifyAndCheck = async () => {
      const claims = await auth.accessTokens.verify(token);
      await auth.revocations.check(claims.sid);
    };
    await verifyAndCheck(); // now cached
    await auth.sessions.revoke(session.id, "logout");
    // This instance knows at once; the publisher was told for the others.
    expect(publisher.told).toEqual([[session.id]]);
    expect(await rejectionCode(verifyAndCheck())).toBe("SESSION_REVOKED");
    // The entry goes once the token has expired anyway.
    now += (TTL + 6) * 1000;
    expect(auth.revocations.size).toBe(0);
    expect(await rejectionCode(verifyAndCheck())).toBe("TOKEN_EXPIRED");
  });
});
