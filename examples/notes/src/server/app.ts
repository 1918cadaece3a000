import { createServer, type Server } from "node:http";
import {
  createTollgate,
  mergeRouters,
  router,
  type Tollgate,
  type TollgateOptions,
  tollgateRouter,
} from "@tollgate/server";
import { NOTES_MIGRATION_TABLE, notesMigrations } from "./notes-migrations.js";
import { notesRouter } from "./notes-router.js";

export const appRouter = mergeRouters(tollgateRouter, router({ notes: notesRouter }));
export type AppRouter = typeof appRouter;

/** Tollgate with the notes router on one node:http server; `webRoot` (config) serves the built page. */
export async function createNotesApp(options: TollgateOptions): Promise<{ tollgate: Tollgate; server: Server }> {
  const tollgate = await createTollgate({
    ...options,
    router: appRouter,
    migrations: notesMigrations,
    migrationTable: NOTES_MIGRATION_TABLE,
  });
  return { tollgate, server: createServer(tollgate.nodeHandler(appRouter)) };
}
