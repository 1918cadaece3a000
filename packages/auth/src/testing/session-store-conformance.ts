import { describe, expect, it } from "vitest";
import { randomToken, sha256 } from "../encoding.js";
import type { NewSession, SessionStore } from "../store.js";

/**
 * The behaviour every SessionStore must have. Run it against an
 * implementation from that implementation's own test file:
 *
 *   describeSessionStoreConformance("kysely on sqlite", async () => ({ store, createUser }));
 */
export interface ConformanceFixture {
  readonly store: SessionStore;
  /** Creates a user the store may reference and returns its id. */
  createUser(): Promise<string>;
}

const T0 = new Date("2026-01-01T00:00:00.000Z");

function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

function newSession(userId: string, createdAt = T0): NewSession {
  return {
    id: randomToken(16),
    userId,
    lookupHash: sha256(randomToken(16)),
    currentHash: sha256(randomToken(32)),
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 3600_000),
    userAgent: "conformance/1.0",
    ip: "203.0.113.7",
    authMethod: "password+totp",
    amr: ["pwd", "otp", "mfa"],
    authTime: createdAt,
  };
}

export function describeSessionStoreConformance(name: string, setup: () => Promise<ConformanceFixture>): void {
  describe(`SessionStore conformance: ${name}`, () => {
    let fixture: Promise<ConformanceFixture> | undefined;
    const get = () => {
      fixture ??= setup();
      return fixture;
    };

    it("stores a session and finds it by lookup hash and by id", async () => {
      const { store, createUser } = await get();
      const session = newSession(await createUser());
      await store.insert(session);
      const byLookup = await store.findByLookupHash(session.lookupHash);
      const byId = await store.findById(session.id);
      for (const found of [byLookup, byId]) {
        expect(found).toMatchObject({
          id: session.id,
          userId: session.userId,
          lookupHash: session.lookupHash,
          currentHash: session.currentHash,
          previousHash: null,
          rotationSalt: null,
          revokedAt: null,
          revokedReason: null,
          userAgent: "conformance/1.0",
          ip: "203.0.113.7",
          authMethod: "password+totp",
          amr: ["pwd", "otp", "mfa"],
        });
        expect(found?.authTime?.getTime()).toBe(T0.getTime());
        expect(found?.createdAt.getTime()).toBe(T0.getTime());
        expect(found?.rotatedAt.getTime()).toBe(T0.getTime());
        expect(found?.lastUsedAt.getTime()).toBe(T0.getTime());
        expect(found?.expiresAt.getTime()).toBe(session.expiresAt.getTime());
      }
      expect(await store.findByLookupHash(sha256("unknown"))).toBeUndefined();
      expect(await store.findById("unknown")).toBeUndefined();
    });

    it("records a step-up on a live session without touching its refresh token, never on a revoked one", async () => {
      const { store, createUser } = await get();
      const session = newSession(await createUser());
      await store.insert({ ...session, amr: ["pwd"] });
      const later = at(120);
      const updated = await store.reauthenticate({ id: session.id, amr: ["pwd", "otp", "mfa"], authTime: later });
      expect(updated).toMatchObject({ id: session.id, amr: ["pwd", "otp", "mfa"], currentHash: session.currentHash });
      expect(updated?.authTime?.getTime()).toBe(later.getTime());
      expect((await store.findById(session.id))?.amr).toEqual(["pwd", "otp", "mfa"]);
      await store.revoke(session.id, "logout", at(130));
      expect(await store.reauthenticate({ id: session.id, amr: ["pwd"], authTime: at(140) })).toBeUndefined();
      expect(await store.reauthenticate({ id: "unknown", amr: ["pwd"], authTime: at(140) })).toBeUndefined();
    });

    it("refuses a second session with the same lookup hash", async () => {
      const { store, createUser } = await get();
      const session = newSession(await createUser());
      await store.insert(session);
      await expect(store.insert({ ...session, id: randomToken(16) })).rejects.toThrow();
    });

    it("rotates only when the expected hash is current, returning the rotated session", async () => {
      const { store, createUser } = await get();
      const session = newSession(await createUser());
      await store.insert(session);
      const next = sha256("next");
      expect(
        await store.rotate({
          id: session.id,
          expectedHash: sha256("stale"),
          nextHash: next,
          rotationSalt: "s",
          now: at(5),
        }),
      ).toBeUndefined();
      const returned = await store.rotate({
        id: session.id,
        expectedHash: session.currentHash,
        nextHash: next,
        rotationSalt: "s1",
        now: at(10),
      });
      const rotated = await store.findById(session.id);
      expect(returned).toEqual(rotated);
      expect(rotated).toMatchObject({ currentHash: next, previousHash: session.currentHash, rotationSalt: "s1" });
      expect(rotated?.rotatedAt.getTime()).toBe(at(10).getTime());
      expect(rotated?.lastUsedAt.getTime()).toBe(at(10).getTime());
      expect(rotated?.createdAt.getTime()).toBe(T0.getTime());
      expect(rotated?.expiresAt.getTime()).toBe(session.expiresAt.getTime());
    });

    it("lets exactly one of many racing rotations of one hash win", async () => {
      const { store, createUser } = await get();
      const session = newSession(await createUser());
      await store.insert(session);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.rotate({
            id: session.id,
            expectedHash: session.currentHash,
            nextHash: sha256(`n${i}`),
            rotationSalt: `s${i}`,
            now: at(1),
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.findIndex((r) => r !== undefined);
      expect((await store.findById(session.id))?.currentHash).toBe(sha256(`n${winner}`));
    });

    it("never rotates a revoked session", async () => {
      const { store, createUser } = await get();
      const session = newSession(await createUser());
      await store.insert(session);
      expect(await store.revoke(session.id, "logout", at(3))).toBe(true);
      expect(await store.revoke(session.id, "admin", at(4))).toBe(false);
      expect(
        await store.rotate({
          id: session.id,
          expectedHash: session.currentHash,
          nextHash: sha256("x"),
          rotationSalt: "s",
          now: at(5),
        }),
      ).toBeUndefined();
      const revoked = await store.findById(session.id);
      expect(revoked?.revokedReason).toBe("logout");
      expect(revoked?.revokedAt?.getTime()).toBe(at(3).getTime());
    });

    it("revokes all of a user's live sessions but the one kept, returning the ids it ended", async () => {
      const { store, createUser } = await get();
      const userId = await createUser();
      const other = newSession(await createUser());
      const sessions = [newSession(userId), newSession(userId), newSession(userId), newSession(userId)];
      for (const s of [...sessions, other]) await store.insert(s);
      const [keep, first, already, second] = sessions as [NewSession, NewSession, NewSession, NewSession];
      await store.revoke(already.id, "logout", at(1));
      const ended = await store.revokeAllForUser(userId, "logout_all", at(2), keep.id);
      expect([...ended].sort()).toEqual([first.id, second.id].sort());
      expect((await store.findById(keep.id))?.revokedAt).toBeNull();
      expect((await store.findById(first.id))?.revokedReason).toBe("logout_all");
      expect((await store.findById(already.id))?.revokedReason).toBe("logout");
      expect((await store.findById(other.id))?.revokedAt).toBeNull();
      expect(await store.revokeAllForUser(userId, "password_changed", at(3))).toEqual([keep.id]);
      expect(await store.revokeAllForUser(userId, "password_changed", at(4))).toEqual([]);
    });

    it("lists the sessions revoked after an instant, of every user, with when", async () => {
      const { store, createUser } = await get();
      // Far after the other tests' revocations, so the instant sets these apart.
      const future = (seconds: number) => at(100 * 86_400 + seconds);
      const [userA, userB] = [await createUser(), await createUser()];
      const before = newSession(userA, future(0));
      const byOne = newSession(userA, future(0));
      const byAll = [newSession(userB, future(0)), newSession(userB, future(0))];
      const live = newSession(userA, future(0));
      for (const s of [before, byOne, ...byAll, live]) await store.insert(s);
      await store.revoke(before.id, "logout", future(10));
      await store.revoke(byOne.id, "revoked_by_user", future(20));
      await store.revokeAllForUser(userB, "logout_all", future(30));
      const listed = await store.revokedSince(future(10));
      expect(
        listed.map((s) => [s.id, s.revokedAt.getTime()]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      ).toEqual(
        [[byOne.id, future(20).getTime()], ...byAll.map((s) => [s.id, future(30).getTime()])].sort((x, y) =>
          String(x[0]).localeCompare(String(y[0])),
        ),
      );
      expect(await store.revokedSince(future(30))).toEqual([]);
    });

    it("lists a user's live and recently ended sessions, newest first", async () => {
      const { store, createUser } = await get();
      const userId = await createUser();
      const old = newSession(userId, at(0));
      const recent = newSession(userId, at(60));
      const endedLongAgo = newSession(userId, at(30));
      for (const s of [old, recent, endedLongAgo]) await store.insert(s);
      await store.revoke(endedLongAgo.id, "logout", at(40));
      const listed = await store.listForUser(userId, at(50));
      expect(listed.map((s) => s.id)).toEqual([recent.id, old.id]);
      const all = await store.listForUser(userId, at(35));
      expect(all.map((s) => s.id)).toEqual([recent.id, endedLongAgo.id, old.id]);
    });

    it("deletes sessions that ended before the cutoff and keeps the rest", async () => {
      const { store, createUser } = await get();
      const userId = await createUser();
      // Far before the other tests' sessions, so the cutoff touches only these. expiresAt is createdAt + 1 h.
      const past = (seconds: number) => at(-100 * 86_400 + seconds);
      const revokedEarly = newSession(userId, past(0));
      const revokedLate = newSession(userId, past(0));
      const expired = newSession(userId, past(-7200));
      const idle = newSession(userId, past(-600));
      const live = newSession(userId, past(0));
      for (const s of [revokedEarly, revokedLate, expired, idle, live]) await store.insert(s);
      await store.revoke(revokedEarly.id, "logout", past(10));
      await store.revoke(revokedLate.id, "logout", past(100));
      const deleted = await store.deleteEnded({ endedBefore: past(50), lastUsedBefore: past(-300) });
      expect(deleted).toBe(3);
      for (const gone of [revokedEarly, expired, idle]) expect(await store.findById(gone.id)).toBeUndefined();
      for (const kept of [revokedLate, live]) expect(await store.findById(kept.id)).toBeDefined();
      expect(await store.findByLookupHash(revokedEarly.lookupHash)).toBeUndefined();
    });
  });
}
