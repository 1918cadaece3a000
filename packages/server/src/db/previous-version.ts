import { existsSync } from "node:fs";
import { join } from "node:path";

/** DATA_DIR holds the embedded database of an earlier Tollgate version, which this one does not read. */
export class PreviousVersionDataError extends Error {
  override readonly name = "PreviousVersionDataError";
}

/**
 * Versions before SQLite kept the embedded database in DATA_DIR/pglite.
 * Starting on an empty SQLite beside it would silently lose every user and
 * session, so refuse with one line saying what to do.
 */
export function assertNoPgliteData(dataDir: string): void {
  const dir = join(dataDir, "pglite");
  if (!existsSync(dir)) return;
  throw new PreviousVersionDataError(
    `${dir} holds the PGlite database of an earlier Tollgate version, which this version (SQLite) does not read: to keep its users, dump it with @electric-sql/pglite-tools (pgDump), load that into PostgreSQL and start with DATABASE_URL; to start afresh without them, delete ${dir}.`,
  );
}
