import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as init from "./migrations/0001_init.js";

/** A static list: bundles cleanly and loads under every runner (no directory scan). */
const migrations: Record<string, Migration> = {
  "0001_init": init,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date. Kysely's migration lock makes concurrent starts safe. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed`.replace("  ", " "), { cause: error });
  }
}
