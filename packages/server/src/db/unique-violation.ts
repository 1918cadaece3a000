/** PostgreSQL's unique_violation SQLSTATE. */
const PG_UNIQUE_VIOLATION = "23505";
/** SQLite's extended result code SQLITE_CONSTRAINT_UNIQUE (a unique index, not the primary key). */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** Whether an insert or update failed on a unique index, on PostgreSQL or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  return code === PG_UNIQUE_VIOLATION || (code === "ERR_SQLITE_ERROR" && errcode === SQLITE_CONSTRAINT_UNIQUE);
}
