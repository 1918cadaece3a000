import {
  type Backend,
  createTestDatabase,
  createTestUser,
  type TestClock,
  type TestDatabase,
  testConfig,
} from "@tollgate/testing";
import { type App, type AppOptions, createApp } from "../../src/app.js";
import type { ServerConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/client.js";

export interface TestServer {
  readonly url: string;
  readonly app: App;
  readonly database: DatabaseHandle;
  /** Another app instance on the same database (for restarts and multi-instance tests). */
  startAnother(
    overrides?: Partial<ServerConfig>,
    options?: Pick<AppOptions, "revocationRetry" | "mailRetry" | "webhookRetry">,
  ): Promise<{ url: string; app: App }>;
  createUser(username: string, password: string, names?: { firstName?: string; lastName?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly config?: Partial<ServerConfig>;
  readonly clock?: TestClock;
  /** An app's router that merges Tollgate's (default: Tollgate's own). */
  readonly router?: AppOptions["router"];
  /** App options such as the mail sender's polling and backoff. */
  readonly app?: Pick<AppOptions, "mailRetry" | "webhookRetry">;
}

/**
 * The standalone server (`createApp`: metrics listener, restarts, several
 * instances on one database) on a free port over a database of its own.
 * Apps built on the library are served by @tollgate/testing's `startTollgate`.
 */
export async function startTestServer(backend: Backend, options: StartOptions = {}): Promise<TestServer> {
  const testDb: TestDatabase = await createTestDatabase(backend);
  const database = await testDb.open();
  const config = testConfig(options.config);
  const now = options.clock?.now;
  const app = await createApp({
    config,
    database,
    ...options.app,
    ...(now ? { now } : {}),
    ...(options.router ? { router: options.router } : {}),
  });
  const url = await app.listen(0, "127.0.0.1");
  const others: App[] = [];
  const ownDatabases: DatabaseHandle[] = [];
  return {
    url,
    app,
    database,
    async startAnother(overrides = {}, appOptions = {}) {
      // PostgreSQL: a pool of its own, as a second process would have.
      const ownDatabase = backend === "postgres" ? await testDb.open() : undefined;
      const another = await createApp({
        config: { ...config, ...overrides },
        database: ownDatabase ?? database,
        ...options.app,
        ...appOptions,
        ...(now ? { now } : {}),
      });
      others.push(another);
      if (ownDatabase) ownDatabases.push(ownDatabase);
      return { url: await another.listen(0, "127.0.0.1"), app: another };
    },
    async createUser(username, password, names = {}) {
      return (await createTestUser(app.services, { username, password, ...names })).id;
    },
    async close() {
      for (const other of others) await other.close();
      for (const db of ownDatabases) await db.close();
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
