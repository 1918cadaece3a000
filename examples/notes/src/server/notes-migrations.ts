import { type Kysely, type Migration, sql } from "kysely";

/** The notes table, beside Tollgate's, with a migration history of its own. */
export type NotesTable = {
  id: string;
  user_id: string;
  text: string;
  created_at: string;
};

export type NotesDatabase = {
  notes: NotesTable;
};

/**
 * The notes table's migrations, given to createTollgate ({ migrations }): run
 * after Tollgate's at every start, with a history of their own.
 */
export const notesMigrations: Record<string, Migration> = {
  "0001_notes": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("notes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("notes_user_id_idx").on("notes").column("user_id").execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table notes`.execute(db);
    },
  },
};

/** Its history table: Tollgate's migrations and the app's never mix. */
export const NOTES_MIGRATION_TABLE = "notes_migrations";
