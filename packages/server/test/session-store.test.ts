import { randomUUID } from "node:crypto";
import { describeSessionStoreConformance } from "@tollgate/auth/testing";
import { afterAll } from "vitest";
import type { DatabaseHandle } from "../src/db/client.js";
import { createKyselySessionStore } from "../src/stores/session-store.js";
import { createUserStore } from "../src/stores/user-store.js";
import { backends, createTestDatabase, type TestDatabase } from "./support/index.js";

const opened: { handle: DatabaseHandle; testDb: TestDatabase }[] = [];
afterAll(async () => {
  for (const { handle, testDb } of opened) {
    await handle.close();
    await testDb.drop();
  }
});

for (const backend of backends()) {
  describeSessionStoreConformance(`kysely on ${backend}`, async () => {
    const testDb = await createTestDatabase(backend);
    const handle = await testDb.open();
    opened.push({ handle, testDb });
    const users = createUserStore(handle.db);
    return {
      store: createKyselySessionStore(handle.db),
      createUser: async () => (await users.create({ username: `u-${randomUUID()}`, passwordHash: "x" })).id,
    };
  });
}
