import type { DatabaseHandle } from "../db/client.js";
import { defaultMethods } from "../methods/defaults.js";
import type { AnySignInMethod } from "../methods/method.js";

/**
 * The default sign-in methods whose tables this database holds: what the
 * CLI's commands let hear of a password change or of sessions ending. A
 * method the server never ran here created no tables and holds nothing to
 * change (a database the CLI made itself has only the core's).
 */
export async function methodsWithTables(database: DatabaseHandle): Promise<AnySignInMethod[]> {
  const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
  const names = new Set(tables.map((table) => table.name));
  return defaultMethods().filter((method) => !method.migrations || names.has(`${method.id}_migration`));
}
