/**
 * `@tollgate/testing`: what an app built on Tollgate needs to test itself
 * against a real one. A server on a free port (Tollgate alone, or the app's
 * router merged with Tollgate's), a client with a real cookie jar that sends
 * the CSRF header as the SDK does, users created through Tollgate's own store
 * and signed in in one call, a real SMTP mailbox, a clock the test moves, and
 * a fresh database per test file on SQLite or PostgreSQL.
 */

export { createClock, type TestClock } from "./clock.js";
export { testConfig } from "./config.js";
export {
  type Backend,
  backends,
  createPostgresDatabase,
  createTestDatabase,
  type PostgresDatabase,
  requirePostgresUrl,
  type TestDatabase,
  type TestDatabaseOptions,
} from "./databases.js";
export { JarClient } from "./jar-client.js";
export { type Mailbox, startMailbox, type WaitOptions } from "./mailbox.js";
export type { ReceivedMail } from "./received-mail.js";
export {
  type Clock,
  type SignedInUser,
  type StartTollgateOptions,
  startTollgate,
  type TollgateTestServer,
} from "./server.js";
export { enrolTotp, type TotpEnrolment, totpCodeAt } from "./totp.js";
export { type CallOptions, type CallResult, data, errorOf, type TRPCErrorBody } from "./trpc-result.js";
export { createTestUser, type NewTestUser, type TestUser, type UserServices } from "./users.js";
