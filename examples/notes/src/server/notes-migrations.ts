import { type Kysely, Migrator, sql } from "kysely";

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

export async function migrateNotes(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    // Its own history tables: Tollgate's migrations and the app's never mix.
    migrationTableName: "notes_migrations",
    migrationLockTableName: "notes_migrations_lock",
    provider: {
      getMigrations: async () => ({
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
      }),
    },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
