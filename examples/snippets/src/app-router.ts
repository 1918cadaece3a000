import { mergeRouters, router, tollgateRouter } from "@tollgate/server";
import { notesRouter } from "./notes-router.js";

// Tollgate's routers (auth, user, meta, admin) next to yours, in one router.
export const appRouter = mergeRouters(tollgateRouter, router({ notes: notesRouter }));

// The client imports this type only.
export type AppRouter = typeof appRouter;
