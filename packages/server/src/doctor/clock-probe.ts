/**
 * PostgreSQL's clock minus ours, in milliseconds: our clock is read before
 * and after the query and its midpoint compared with the server's
 * `clock_timestamp()` (the time at that moment, not the transaction's
 * start), so the round trip does not count as skew. `now` is injectable: the
 * test moves our clock and sees the skew follow.
 */
export async function measureClockSkew(
  readDatabaseTime: () => Promise<Date>,
  now: () => number = Date.now,
): Promise<number> {
  const before = now();
  const databaseTime = (await readDatabaseTime()).getTime();
  const after = now();
  return Math.round(databaseTime - (before + after) / 2);
}
