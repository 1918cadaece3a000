import type { KyselyPlugin, RootOperationNode } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../src/app.js";
import type { DatabaseHandle } from "../src/db/client.js";
import {
  backends,
  createTestDatabase,
  createTestUser,
  errorOf,
  TestBrowser,
  type TestDatabase,
  testConfig,
} from "./support/index.js";

/** The statements that read or write sessions or users, as `kind table…`, in the order they ran. */
function recorder(): { plugin: KyselyPlugin; statements: string[] } {
  const statements: string[] = [];
  const tables = (node: RootOperationNode) =>
    ["sessions", "users"].filter((table) =>
      JSON.stringify(node, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)).includes(
        `"name":"${table}"`,
      ),
    );
  return {
    statements,
    plugin: {
      transformQuery({ node }) {
        const touched = tables(node);
        if (touched.length > 0) statements.push(`${node.kind} ${touched.join(" ")}`);
        return node;
      },
      transformResult: async ({ result }) => result,
    },
  };
}

describe.each(backends())("auth.refresh on %s: two statements, the session and its user read together", (backend) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let app: App;
  let url: string;
  const { plugin, statements } = recorder();
  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    handle = await testDb.open();
    const recorded: DatabaseHandle = { ...handle, db: handle.db.withPlugin(plugin) };
    app = await createApp({ config: testConfig(), database: recorded });
    url = await app.listen(0, "127.0.0.1");
    await createTestUser(app.services, { username: "rita", password: "rita's passphrase" });
  });
  afterAll(async () => {
    await app?.close();
    await handle?.close();
    await testDb?.drop();
  });

  it("a rotation: one read (session joined with user), one compare-and-swap", async () => {
    const browser = new TestBrowser(url);
    expect((await browser.login("rita", "rita's passphrase")).status).toBe(200);
    statements.length = 0;
    expect((await browser.mutation("auth.refresh")).status).toBe(200);
    expect(statements).toEqual(["SelectQueryNode sessions users", "UpdateQueryNode sessions"]);
  });

  it("a deactivated user is still refused from that one read, and the session ends", async () => {
    const browser = new TestBrowser(url);
    expect((await browser.login("rita", "rita's passphrase")).status).toBe(200);
    await handle.db.updateTable("users").set({ is_active: false }).where("username", "=", "rita").execute();
    statements.length = 0;
    expect(errorOf(await browser.mutation("auth.refresh")).data.authCode).toBe("ACCOUNT_INACTIVE");
    expect(statements).toEqual(["SelectQueryNode sessions users", "UpdateQueryNode sessions"]);
    await handle.db.updateTable("users").set({ is_active: true }).where("username", "=", "rita").execute();
    expect(errorOf(await browser.mutation("auth.refresh")).data.authCode).toBe("TOKEN_MISSING");
  });
});
