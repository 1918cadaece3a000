import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

/** Ended sessions stay listed in auth.sessions this long (a user sees e.g. a detected replay), then are deleted. */
export const ENDED_SESSION_RETENTION_MS = 7 * 86_400_000;

/**
 * Deletes sessions that ended more than the retention ago: revoked, past
 * their absolute expiry, or idle beyond the idle timeout. Their tokens were
 * already refused; afterwards they are refused as unknown. Returns how many.
 */
export async function purgeEndedSessions(
  db: Kysely<Database>,
  now: number,
  idleTimeoutSeconds: number,
): Promise<number> {
  const cutoff = new Date(now - ENDED_SESSION_RETENTION_MS);
  const idleCutoff = new Date(now - ENDED_SESSION_RETENTION_MS - idleTimeoutSeconds * 1000);
  const result = await db
    .deleteFrom("sessions")
    .where((eb) =>
      eb.or([eb("revoked_at", "<", cutoff), eb("expires_at", "<", cutoff), eb("last_used_at", "<", idleCutoff)]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
