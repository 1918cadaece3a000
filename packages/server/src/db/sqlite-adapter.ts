import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { SqliteDatabase } from "kysely";

/** Length of `Date#toISOString()` for years 0000–9999: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
const ISO_TIMESTAMP_LENGTH = 24;

/**
 * An instant as SQLite stores it: ISO-8601 in UTC, always 24 characters, so
 * comparing two stored instants as text (`expires_at > ?`) orders them in time.
 */
export function sqliteTimestamp(date: Date): string {
  const text = date.toISOString();
  if (text.length !== ISO_TIMESTAMP_LENGTH) {
    throw new RangeError(`${text} is outside the years 0000-9999 that SQLite timestamps hold`);
  }
  return text;
}

/**
 * The one place where query parameters become values node:sqlite binds
 * (null, numbers, bigints, strings and bytes): a Date becomes its fixed-width
 * ISO-8601 text, a boolean 1 or 0. Results come back as stored: the stores
 * read instants with `new Date(…)` and flags with `Boolean(…)`.
 */
export function toSqliteValue(value: unknown): SQLInputValue {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (
    value === null ||
    typeof value === "number" ||
    typeof value === "bigint" ||
    typeof value === "string" ||
    value instanceof Uint8Array
  ) {
    return value;
  }
  // Anything else (an object would even be read as named parameters) is a bug.
  throw new TypeError(`Cannot bind a value of type ${typeof value} to a SQLite parameter`);
}

const bind = (parameters: ReadonlyArray<unknown>): SQLInputValue[] => parameters.map(toSqliteValue);

type Statement = ReturnType<SqliteDatabase["prepare"]>;

/** Distinct statements kept prepared; Kysely writes one SQL text per query shape, so a server uses a few dozen. */
const MAX_CACHED_STATEMENTS = 256;

/**
 * node:sqlite's DatabaseSync in the shape Kysely's SqliteDialect expects.
 * node:sqlite takes parameters spread, not as one array. Kysely's SqliteDriver
 * hands its one connection to one query or transaction at a time (a mutex),
 * and every call here is synchronous, so statements of concurrent requests
 * never interleave inside each other's transactions.
 *
 * Kysely prepares its SQL anew for every query; compiling it is most of a
 * primary-key select's cost, so prepared statements are kept by SQL text
 * (least recently used dropped beyond MAX_CACHED_STATEMENTS). node:sqlite
 * resets a statement after each all()/run(), and the mutex means one runs at a
 * time; iterate() gets a statement of its own, as an unfinished iterator would
 * hold its statement.
 */
export function createSqliteAdapter(database: DatabaseSync): SqliteDatabase {
  const statements = new Map<string, Statement>();
  const prepareNew = (sql: string): Statement => {
    const statement = database.prepare(sql);
    return {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...bind(parameters)),
      run: (parameters) => statement.run(...bind(parameters)),
      iterate: (parameters) => database.prepare(sql).iterate(...bind(parameters)),
    };
  };
  return {
    close() {
      statements.clear();
      if (database.isOpen) database.close();
    },
    prepare(sql) {
      // A closed database: prepare() throws the error that says so (an outage, see sqlite-errors.ts).
      if (!database.isOpen) return prepareNew(sql);
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = prepareNew(sql);
        if (statements.size >= MAX_CACHED_STATEMENTS) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
