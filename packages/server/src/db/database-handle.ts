import type { Kysely } from "kysely";
import type { SqlDialect } from "./migrations/dialect-types.js";
import type { Database } from "./schema.js";

/** What the database's connections are doing now (metrics). */
export interface DatabaseStats {
  /** Connections open: the pool's, or the embedded database's one. */
  readonly connections: number;
  /** Open connections no query holds (PostgreSQL's pool only). */
  readonly idle?: number;
  /** Queries waiting for a connection (PostgreSQL's pool only). */
  readonly waiting?: number;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: SqlDialect;
  stats(): DatabaseStats;
  /** PostgreSQL: its postgres:// URL, for a connection of its own outside the pool (LISTEN). */
  readonly url?: string;
  /** Closes every connection (pool or embedded database). */
  close(): Promise<void>;
}
