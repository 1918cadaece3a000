import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LruMap } from "../src/core/lru-map.js";
import { createUserCache, pendingEmailOf } from "../src/core/user-cache.js";
import { type DatabaseHandle, openDatabase } from "../src/db/client.js";
import { createUserChangesReader } from "../src/revocations/user-changes.js";
import { createAccountTokenStore } from "../src/stores/account-token-store.js";
import { createUserStore, type UserStore } from "../src/stores/user-store.js";

describe("LruMap", () => {
  it("keeps at most its capacity, dropping the least recently used", () => {
    const map = new LruMap<string, number>(3);
    for (const [key, value] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ] as const) {
      map.set(key, value);
    }
    expect(map.get("a")).toBe(1); // a is now the most recent
    map.set("d", 4);
    expect(map.size).toBe(3);
    expect(map.get("b")).toBeUndefined();
    expect([map.get("a"), map.get("c"), map.get("d")]).toEqual([1, 3, 4]);
  });

  it("refuses a capacity that bounds nothing", () => {
    expect(() => new LruMap(0)).toThrow(TypeError);
    expect(() => new LruMap(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

describe("the user cache over the embedded database", () => {
  let database: DatabaseHandle;
  let users: UserStore;
  let reads = 0;
  const clock = Date.parse("2026-01-01T00:00:00Z");
  const now = () => clock;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: undefined, dataDir: "memory://" });
    const store = createUserStore(database.db);
    // The real store, counting the reads that reach the database.
    users = {
      ...store,
      findById: (id) => {
        reads++;
        return store.findById(id);
      },
    };
    for (let i = 0; i < 5; i++) ids.push((await store.create({ username: `u${i}`, passwordHash: "x" })).id);
  });
  afterAll(() => database?.close());

  const tokens = () => createAccountTokenStore(database.db, now);
  const id = (i: number) => ids[i] as string;

  it("a second read of a user is served from memory; no more users are kept than its capacity", async () => {
    const cache = createUserCache({ users, tokens: tokens(), isLive: () => true, capacity: 2 });
    const before = reads;
    expect((await cache.get(id(0)))?.user.username).toBe("u0");
    expect((await cache.get(id(0)))?.user.username).toBe("u0");
    expect(reads - before).toBe(1);
    for (let i = 0; i < 5; i++) await cache.get(id(i));
    expect(cache.size).toBe(2);
    expect(await cache.get("no-such-user")).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it("never keeps the password hash", async () => {
    const cache = createUserCache({ users, tokens: tokens(), isLive: () => true });
    expect(Object.keys((await cache.get(id(1)))?.user ?? {})).not.toContain("passwordHash");
  });

  it("a read overtaken by a change is not kept (it may have read the row before the change)", async () => {
    const cache = createUserCache({ users, tokens: tokens(), isLive: () => true });
    const reading = cache.get(id(2));
    await database.db.updateTable("users").set({ first_name: "Changed" }).where("id", "=", id(2)).execute();
    cache.invalidate([id(2)]);
    await reading;
    expect(cache.size).toBe(0);
    expect((await cache.get(id(2)))?.user.firstName).toBe("Changed");
    expect(cache.size).toBe(1);
  });

  it("while the change feed is not live, every read goes to the database and nothing is kept", async () => {
    let live = true;
    const cache = createUserCache({ users, tokens: tokens(), isLive: () => live });
    await cache.get(id(3));
    expect(cache.size).toBe(1);
    live = false;
    const before = reads;
    await cache.get(id(3));
    await cache.get(id(3));
    expect(reads - before).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("the pending address ends with its link's expiry, judged at each read", async () => {
    const store = tokens();
    const cache = createUserCache({ users, tokens: store, isLive: () => true });
    await store.issue(id(4), "email_verification", "new@example.org");
    const entry = await cache.get(id(4));
    if (!entry) throw new Error("no user");
    expect(pendingEmailOf(entry, clock)).toBe("new@example.org");
    expect(pendingEmailOf(entry, clock + 24 * 3_600_000)).toBeNull();
  });
});

describe("user_changes triggers (embedded database, migration 0013)", () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: undefined, dataDir: "memory://" });
  });
  afterAll(() => database?.close());

  it("record what the cache holds changing, and nothing else", async () => {
    const reader = createUserChangesReader(database.db);
    const users = createUserStore(database.db);
    const tokenStore = createAccountTokenStore(database.db);
    const { id } = await users.create({ username: "tracked", passwordHash: "x" });
    let seq = await reader.latest();
    const changes = async () => {
      const read = await reader.since(seq);
      seq = read.seq;
      return read.userIds;
    };

    // A password hash, updated_at, and the row lock issueUnlessRecent takes (SET id = id): not cached, not recorded.
    await users.replacePasswordHash(id, "x", "y");
    await database.db.updateTable("users").set({ updated_at: new Date() }).where("id", "=", id).execute();
    await tokenStore.issueUnlessRecent(id, "password_reset", "a@example.org", 60_000);
    expect(await changes()).toEqual([]);

    await users.updateProfile(id, { firstName: "T" });
    expect(await changes()).toEqual([id]);
    await tokenStore.issue(id, "email_verification", "t@example.org");
    expect(await changes()).toContain(id);
    await tokenStore.voidAll(id);
    expect(await changes()).toContain(id);
    await database.db.deleteFrom("users").where("id", "=", id).execute();
    expect(await changes()).toContain(id);
  });
});
