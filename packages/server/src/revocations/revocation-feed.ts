/**
 * Brings other processes' revocations into this instance's set of ended
 * sessions and keeps `revocations.mode` true: "live" while the set is
 * complete, "database" (every access token checked against its session row)
 * while it may not be.
 */
export interface RevocationFeed {
  /** First connection (or poll) and reload; never throws: a failure leaves the mode at "database" and retries. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** PostgreSQL: the application_name of the LISTEN connection (pg_stat_activity). */
  readonly connectionName: string | undefined;
  /** Whether it also carries changed users (a user cache may trust its memory only then, and only while live). */
  readonly carriesUserChanges: boolean;
}
