import { createServer } from "node:http";
import {
  createTollgate,
  createTollgateRouter,
  loadConfig,
  mergeRouters,
  password,
  router,
  totp,
} from "@tollgate/server";
import { notesRouter } from "./notes-router.js";

// The sign-in methods this app offers: a method of your own is one more value in the list.
const methods = [password(), totp()] as const;

// Tollgate's router for exactly these methods (typed by them), next to yours.
export const appRouter = mergeRouters(createTollgateRouter(methods), router({ notes: notesRouter }));
export type AppRouter = typeof appRouter;

// The same list here: createTollgate refuses a router that lacks a method's procedures.
const tollgate = await createTollgate({ config: loadConfig(), methods, router: appRouter });
createServer(tollgate.nodeHandler(appRouter)).listen(3000, "127.0.0.1");
