import { randomBytes } from "node:crypto";
import type { Revocations } from "@tollgate/auth";
import type { Logger } from "pino";
import type { DatabaseHandle } from "../db/client.js";
import { createPollingRevocationFeed } from "./polling-feed.js";
import { createPostgresRevocationFeed, type RetryPolicy } from "./postgres-feed.js";
import type { RevocationFeed } from "./revocation-feed.js";
import { createUserChangesReader, type UserChangeSink } from "./user-changes.js";

export type { RevocationFeed } from "./revocation-feed.js";

export interface RevocationFeedOptions {
  readonly database: DatabaseHandle;
  readonly revocations: Revocations;
  readonly logger: Logger;
  readonly now: () => number;
  /** PostgreSQL: waits between reconnect attempts of the LISTEN connection. */
  readonly retry?: RetryPolicy | undefined;
  /** Where changed users go (the user cache), carried by the same connection or poll as revocations. */
  readonly users?: UserChangeSink | undefined;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 200, maxMs: 5000 };

export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const { database, revocations, logger } = options;
  if (database.kind === "postgres" && database.url) {
    return createPostgresRevocationFeed({
      url: database.url,
      // One name per instance, so an operator (or a test) can tell the listeners apart.
      applicationName: `tollgate-revocations-${randomBytes(4).toString("hex")}`,
      revocations,
      logger,
      retry: options.retry ?? DEFAULT_RETRY,
      users: options.users,
    });
  }
  // user_changes exists on SQLite only (a PostgreSQL handle without a URL cannot LISTEN: no user changes then).
  const users = database.kind === "sqlite" ? options.users : undefined;
  return createPollingRevocationFeed({
    revocations,
    logger,
    now: options.now,
    users: users && { reader: createUserChangesReader(database.db), sink: users },
  });
}
