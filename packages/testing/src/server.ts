import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createTollgate,
  type DatabaseHandle,
  type ServerConfig,
  type Tollgate,
  type TollgateOptions,
} from "@tollgate/server";
import { testConfig } from "./config.js";
import { type Backend, createTestDatabase, type TestDatabase } from "./databases.js";
import { JarClient } from "./jar-client.js";
import type { Mailbox } from "./mailbox.js";
import { createTestUser, type NewTestUser, type TestUser } from "./users.js";

/** Anything that tells the time in epoch ms: `createClock()`, or a clock of your own. */
export interface Clock {
  now(): number;
}

export interface StartTollgateOptions {
  /**
   * The router to serve: your app's, merging Tollgate's
   * (`mergeRouters(tollgateRouter, router({ notes }))`). Default: Tollgate's own.
   */
  readonly router?: TollgateOptions["router"];
  /**
   * Your app's node:http handler built on this Tollgate (an Express app that
   * mounts `tollgate.nodeHandler(router)`, routes of its own beside it).
   * Default: `tollgate.nodeHandler(router)` alone.
   */
  readonly handler?: (tollgate: Tollgate) => RequestListener;
  /** Configuration over `testConfig()`'s (the defaults, nothing on disk, a random AUTH_SECRET, quiet logs). */
  readonly config?: Partial<ServerConfig>;
  /**
   * Which database to make for this server: "sqlite" (default, in memory) or
   * "postgres" (a fresh database on TEST_DATABASE_URL's server, dropped by `close`).
   */
  readonly backend?: Backend;
  /** An open database of yours to run on instead (migrated at start; `close` leaves it open). */
  readonly database?: DatabaseHandle;
  /** The clock token lifetimes, sessions and rate limits follow (`createClock()`). Default: the wall clock. */
  readonly clock?: Clock;
  /** Sends Tollgate's mail to this mailbox (its URL becomes SMTP_URL). */
  readonly mailbox?: Mailbox;
  /** Other `createTollgate` options: a logger, the mail sender's polling and backoff, the revocation channel's retries. */
  readonly tollgate?: Pick<
    TollgateOptions,
    "logger" | "mailRetry" | "revocationRetry" | "migrations" | "migrationTable" | "announceFirstRunSetup"
  >;
}

/** A signed-in user: who, and the client holding their session. */
export interface SignedInUser {
  readonly user: TestUser;
  readonly client: JarClient;
}

/** A Tollgate server listening on 127.0.0.1, over a database of its own. */
export interface TollgateTestServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `${url}/trpc`: the SDK's `url`. */
  readonly trpcUrl: string;
  /** The running Tollgate: `services` (users, sessions, mailer, …), `close`. */
  readonly tollgate: Tollgate;
  readonly database: DatabaseHandle;
  readonly config: ServerConfig;
  /** A new client with an empty cookie jar: a visitor not signed in. */
  client(): JarClient;
  /** Creates a user through Tollgate's user store (defaults: a random username and password, no email). */
  createUser(user?: NewTestUser): Promise<TestUser>;
  /** Signs in with auth.login from a new client; throws unless it ends signed in (a second factor, a wrong password). */
  signIn(user: Pick<TestUser, "username" | "password">): Promise<JarClient>;
  /** `createUser` and `signIn` in one call. */
  createSignedInUser(user?: NewTestUser): Promise<SignedInUser>;
  /** Stops listening, stops Tollgate, closes (and drops) the database it made. */
  close(): Promise<void>;
}

/** The caller's open database, or one made for this server (closed and dropped with it). */
async function databaseFor(
  options: StartTollgateOptions,
): Promise<{ database: DatabaseHandle; madeDatabase: TestDatabase | undefined }> {
  if (options.database) return { database: options.database, madeDatabase: undefined };
  const madeDatabase = await createTestDatabase(options.backend ?? "sqlite");
  return { database: await madeDatabase.open(), madeDatabase };
}

function listen(server: ReturnType<typeof createServer>): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

/**
 * Starts Tollgate (`createTollgate` from @tollgate/server) with test-friendly
 * configuration and serves it, or your app on it, on a free port of 127.0.0.1:
 *
 * ```ts
 * const server = await startTollgate({ router: appRouter, clock, mailbox });
 * const { client } = await server.createSignedInUser({ email: "ada@example.com" });
 * await client.mutation("notes.add", { text: "hello" });
 * await server.close();
 * ```
 */
export async function startTollgate(options: StartTollgateOptions = {}): Promise<TollgateTestServer> {
  const { clock, mailbox } = options;
  const { database, madeDatabase } = await databaseFor(options);
  const config = testConfig({ ...(mailbox ? { smtpUrl: mailbox.url } : {}), ...options.config });
  let tollgate: Tollgate;
  try {
    tollgate = await createTollgate({
      // No setup link at start: it would name the configured port, not this server's.
      announceFirstRunSetup: false,
      ...options.tollgate,
      config,
      database,
      ...(options.router ? { router: options.router } : {}),
      ...(clock ? { now: () => clock.now() } : {}),
    });
  } catch (error) {
    if (madeDatabase) {
      await database.close();
      await madeDatabase.drop();
    }
    throw error;
  }
  const handler = options.handler?.(tollgate) ?? tollgate.nodeHandler(options.router ?? tollgate.router);
  const http = createServer(handler);
  const url = await listen(http);

  const server: TollgateTestServer = {
    url,
    trpcUrl: `${url}/trpc`,
    tollgate,
    database,
    config,
    client: () => new JarClient(url),
    createUser: (user) => createTestUser(tollgate.services, user),
    async signIn({ username, password }) {
      const client = new JarClient(url);
      const result = await client.login(username, password);
      const body = result.body as { result?: { data?: { user?: unknown } } };
      if (result.status !== 200 || !body.result?.data?.user) {
        throw new Error(`Signing in as ${username} failed: HTTP ${result.status} ${JSON.stringify(result.body)}`);
      }
      return client;
    },
    async createSignedInUser(newUser) {
      const user = await server.createUser(newUser);
      return { user, client: await server.signIn(user) };
    },
    async close() {
      // In-flight requests finish; idle keep-alive connections (fetch keeps them) are closed.
      await new Promise<void>((done) => {
        http.close(() => done());
        http.closeIdleConnections();
      });
      await tollgate.close();
      if (madeDatabase) {
        await database.close();
        await madeDatabase.drop();
      }
    },
  };
  return server;
}
