/**
 * SQLite primary result codes meaning "the database cannot be used right
 * now", as opposed to a bad statement or a constraint: another connection
 * holds the lock past busy_timeout (BUSY, LOCKED), the disk failed or is full
 * (IOERR and its extended codes, FULL), the file cannot be opened or written
 * (CANTOPEN, READONLY).
 */
const OUTAGE_CODES = new Map<number, string>([
  [5, "SQLITE_BUSY"],
  [6, "SQLITE_LOCKED"],
  [8, "SQLITE_READONLY"],
  [10, "SQLITE_IOERR"],
  [13, "SQLITE_FULL"],
  [14, "SQLITE_CANTOPEN"],
]);

/** An error and its causes, outermost first (cycles cut). */
function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let current = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    yield current;
  }
}

/**
 * Whether a node:sqlite error means "database unavailable" (answer 503 and
 * retry later) rather than a bug or bad data. Classified by code, never by
 * message where a code exists: node:sqlite's errors carry `code:
 * "ERR_SQLITE_ERROR"` and the SQLite result code in `errcode` (extended codes
 * such as SQLITE_IOERR_WRITE = 778 keep the primary code in the low byte).
 * A closed database has only Node's generic ERR_INVALID_STATE, which other
 * states share; its message is what tells "database is not open" apart.
 */
export function isSqliteOutage(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (typeof current !== "object") continue;
    const { code, errcode, message } = current as { code?: unknown; errcode?: unknown; message?: unknown };
    if (code === "ERR_SQLITE_ERROR" && typeof errcode === "number" && OUTAGE_CODES.has(errcode & 0xff)) return true;
    if (code === "ERR_INVALID_STATE" && message === "database is not open") return true;
  }
  return false;
}
