import { randomBytes } from "node:crypto";
import type { Revocations } from "@tollgate/auth";
import type { Logger } from "pino";
import type { DatabaseHandle } from "../db/client.js";
import { createPollingRevocationFeed } from "./polling-feed.js";
import { createPostgresRevocationFeed, type RetryPolicy } from "./postgres-feed.js";
import type { RevocationFeed } from "./revocation-feed.js";

export type { RevocationFeed } from "./revocation-feed.js";

export interface RevocationFeedOptions {
  readonly database: DatabaseHandle;
  readonly revocations: Revocations;
  readonly logger: Logger;
  readonly now: () => number;
  /** PostgreSQL: waits between reconnect attempts of the LISTEN connection. */
  readonly retry?: RetryPolicy | undefined;
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
    });
  }
  return createPollingRevocationFeed({ revocations, logger, now: options.now });
}
