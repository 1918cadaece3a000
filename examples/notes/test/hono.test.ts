import { createTollgateClient } from "@tollgate/client-sdk";
import { CookieJar } from "@tollgate/client-sdk/node";
import { createClock, createTestDatabase, createTestUser, type TestDatabase, testConfig } from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/server/app.js";
import { startNotesOnHono } from "../src/server/hono-app.js";

describe("the notes router on the Fetch adapter (Hono on @hono/node-server), over real HTTP", () => {
  const clock = createClock();
  let testDb: TestDatabase;
  let app: Awaited<ReturnType<typeof startNotesOnHono>>;
  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    app = await startNotesOnHono(
      { config: testConfig({ accessTokenTtl: 60 }), database: await testDb.open(), now: clock.now },
      0,
      "127.0.0.1",
    );
    for (const username of ["ada", "bob"]) {
      await createTestUser(app.tollgate.services, { username, password: `${username} password` });
    }
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
  });

  const client = () =>
    createTollgateClient<AppRouter>({
      url: `${app.url}/trpc`,
      cookieJar: new CookieJar(),
      crossTab: false,
      proactiveRefresh: false,
    });

  it("creates, lists and deletes a user's own notes, across an access-token expiry", async () => {
    const ada = client();
    await ada.auth.login.mutate({ username: "ada", password: "ada password" });
    const first = await ada.notes.create.mutate({ text: "first" });
    clock.advance(61);
    await ada.notes.create.mutate({ text: "second" });
    expect((await ada.notes.list.query()).map((note) => note.text)).toEqual(["first", "second"]);

    const bob = client();
    await bob.auth.login.mutate({ username: "bob", password: "bob password" });
    expect(await bob.notes.list.query()).toEqual([]);
    expect(await bob.notes.delete.mutate({ id: first.id })).toEqual({ deleted: 0 });

    expect(await ada.notes.delete.mutate({ id: first.id })).toEqual({ deleted: 1 });
    expect((await ada.notes.list.query()).map((note) => note.text)).toEqual(["second"]);
    await ada.auth.logout.mutate();
    await expect(ada.notes.list.query()).rejects.toThrow();
  });
});
