import type { Revocations } from "@tollgate/auth";
import type pg from "pg";
import type { Logger } from "pino";
import { decodeRevocations, REVOCATION_CHANNEL } from "./channel.js";
import type { RevocationFeed } from "./revocation-feed.js";
import { USER_CHANGES_CHANNEL, type UserChangeSink } from "./user-changes.js";

export interface RetryPolicy {
  /** Wait before the first reconnect attempt, ms; doubled after every failed one. */
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface PostgresFeedOptions {
  readonly url: string;
  readonly applicationName: string;
  readonly revocations: Revocations;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  /** Changed users (migration 0013's NOTIFY) into the user cache, on the same connection. */
  readonly users?: UserChangeSink | undefined;
}

/** A user id as the triggers send it (uuid); anything else in a payload is ignored. */
const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A LISTEN connection that is silently gone (no FIN, no RST) is found by a query every this often… */
const HEARTBEAT_INTERVAL_MS = 5000;
/** …that does not answer within this. */
const HEARTBEAT_TIMEOUT_MS = 5000;

/**
 * LISTEN on a dedicated connection (not one of the pool's: it must stay open
 * and subscribed). On every (re)connect: LISTEN first, then reload the
 * revocations of the last access-token lifetime from the table, so nothing
 * revoked while it was down, nor during the reload, is missed; only then
 * "live". Lost (error, end, pg_terminate_backend, a failed heartbeat):
 * "database" at once, and reconnect with exponential backoff.
 */
export function createPostgresRevocationFeed(options: PostgresFeedOptions): RevocationFeed {
  const { revocations, logger, retry } = options;
  let current: pg.Client | undefined;
  let stopped = false;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  function lose(client: pg.Client, err?: unknown): void {
    if (current !== client) return;
    current = undefined;
    clearInterval(heartbeatTimer);
    const wasLive = revocations.mode === "live";
    revocations.setMode("database");
    if (wasLive) logger.warn({ err }, "revocation channel lost: checking every access token's session in the database");
    else logger.debug({ err }, "revocation channel still down");
    client.end().catch(() => {});
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    const delay = Math.min(retry.maxMs, retry.initialMs * 2 ** failures);
    failures++;
    retryTimer = setTimeout(() => void open(), delay);
    retryTimer.unref();
  }

  function heartbeat(client: pg.Client): void {
    const timeout = setTimeout(
      () => lose(client, new Error("revocation channel heartbeat timed out")),
      HEARTBEAT_TIMEOUT_MS,
    );
    timeout.unref();
    client.query("SELECT 1").then(
      () => clearTimeout(timeout),
      (err: unknown) => {
        clearTimeout(timeout);
        lose(client, err);
      },
    );
  }

  async function open(): Promise<void> {
    if (stopped) return;
    // Loaded with the first connection (already in memory: the pool's driver).
    const { default: driver } = await import("pg");
    if (stopped) return;
    const client = new driver.Client({
      connectionString: options.url,
      application_name: options.applicationName,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    current = client;
    client.on("error", (err) => lose(client, err));
    client.on("end", () => lose(client));
    client.on("notification", (message) => {
      if (message.channel === REVOCATION_CHANNEL && message.payload) {
        revocations.add(decodeRevocations(message.payload));
      } else if (message.channel === USER_CHANGES_CHANNEL && message.payload && USER_ID.test(message.payload)) {
        options.users?.invalidate([message.payload]);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      if (options.users) await client.query(`LISTEN ${USER_CHANGES_CHANNEL}`);
      // Subscribed before reading: a revocation committed from here on arrives as a notification.
      const loaded = await revocations.reload();
      // Likewise a user changed from here on; what changed while unsubscribed is forgotten.
      options.users?.clear();
      if (current !== client) return;
      failures = 0;
      revocations.setMode("live");
      heartbeatTimer = setInterval(() => heartbeat(client), HEARTBEAT_INTERVAL_MS);
      heartbeatTimer.unref();
      logger.info({ loaded, connection: options.applicationName }, "revocation channel live");
    } catch (err) {
      lose(client, err);
    }
  }

  return {
    connectionName: options.applicationName,
    carriesUserChanges: options.users !== undefined,
    start: open,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeatTimer);
      const client = current;
      current = undefined;
      await client?.end().catch(() => {});
    },
  };
}
