/**
 * The oldest Node.js whose `node:sqlite` has every API the embedded database
 * uses: 22.13 loads it without a flag, but `StatementSync#columns()` and
 * `DatabaseSync#isTransaction` (and the `timeout` option) arrived in 22.16
 * (on the 23/24 line: 23.11 and 24.0). Checked on Node 22.13.1, 22.15.1 and
 * 22.16.0 from the npm registry.
 */
export const EMBEDDED_DATABASE_MIN_NODE = "22.16.0";

/** Thrown instead of loading `node:sqlite` on an older Node: one line, saying what to do. */
export class EmbeddedDatabaseNodeError extends Error {
  override readonly name = "EmbeddedDatabaseNodeError";
}

function atLeast(version: string, minimum: string): boolean {
  const have = version.split(".").map((part) => Number.parseInt(part, 10));
  const need = minimum.split(".").map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < need.length; i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** One line saying why this Node cannot open the embedded database, or undefined when it can. */
export function embeddedDatabaseNodeProblem(version: string = process.versions.node): string | undefined {
  if (atLeast(version, EMBEDDED_DATABASE_MIN_NODE)) return undefined;
  return `Tollgate's embedded database needs Node 22.16 or newer (node:sqlite), but this is Node ${version}; set DATABASE_URL to use PostgreSQL, or upgrade Node`;
}
