import type { ColumnDataType, ColumnDefinitionBuilder } from "kysely";

/** The SQL databases Tollgate runs on. */
export type SqlDialect = "postgres" | "sqlite";

/**
 * Where a migration's SQL differs between PostgreSQL and SQLite: the one
 * place migrations branch. PostgreSQL gets exactly the types it always had
 * (databases that already ran 0001 must match new ones).
 */
export interface DialectTypes {
  /**
   * An instant. PostgreSQL: timestamptz. SQLite: text holding ISO-8601 UTC of
   * fixed width (written by sqlite-adapter.ts), which orders correctly as text.
   */
  readonly timestamp: ColumnDataType;
  /** PostgreSQL: boolean. SQLite: integer 0 / 1 (its booleans are integers anyway). */
  readonly boolean: ColumnDataType;
  /** A primary key numbered by the database, never reused. */
  readonly generatedKey: {
    readonly type: ColumnDataType;
    readonly column: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  };
}

const POSTGRES: DialectTypes = {
  timestamp: "timestamptz",
  boolean: "boolean",
  generatedKey: { type: "bigint", column: (c) => c.primaryKey().generatedAlwaysAsIdentity() },
};

const SQLITE: DialectTypes = {
  timestamp: "text",
  boolean: "integer",
  // AUTOINCREMENT: ids of deleted rows are never handed out again.
  generatedKey: { type: "integer", column: (c) => c.primaryKey().autoIncrement() },
};

export function dialectTypes(dialect: SqlDialect): DialectTypes {
  return dialect === "sqlite" ? SQLITE : POSTGRES;
}
