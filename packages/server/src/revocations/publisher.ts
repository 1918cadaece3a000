import type { RevocationPublisher } from "@tollgate/auth";
import type { Logger } from "pino";
import type { DatabaseHandle } from "../db/client.js";
import { notifyRevocations } from "./channel.js";

/** Waits between attempts at a NOTIFY that failed (a pool connection killed between the UPDATE and it). */
const RETRY_DELAYS_MS = [50, 250, 1000];

/**
 * How this instance tells the others which sessions it ended. PostgreSQL:
 * NOTIFY on the revocation channel. The embedded database has no other
 * instance; the CLI beside it is seen by polling (polling-feed.ts).
 *
 * A NOTIFY that keeps failing is logged, never thrown: the session is ended
 * in the database already, and an instance that missed the notice because
 * its own connection was down reloads recent revocations when it reconnects.
 */
export function createRevocationPublisher(database: DatabaseHandle, logger: Logger): RevocationPublisher | undefined {
  if (database.kind !== "postgres") return undefined;
  return {
    async publish(sessionIds) {
      for (let attempt = 0; ; attempt++) {
        try {
          await notifyRevocations(database.db, sessionIds);
          return;
        } catch (err) {
          const delay = RETRY_DELAYS_MS[attempt];
          if (delay === undefined) {
            logger.error({ err, sessions: sessionIds.length }, "could not announce ended sessions to other instances");
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
  };
}
