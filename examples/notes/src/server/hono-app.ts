import { type HttpBindings, serve } from "@hono/node-server";
import { createTollgate, type Tollgate, type TollgateOptions } from "@tollgate/server";
import { Hono } from "hono";
import { appRouter } from "./app.js";
import { NOTES_MIGRATION_TABLE, notesMigrations } from "./notes-migrations.js";

/** The same merged router on the Fetch adapter, in Hono on @hono/node-server. */
export async function startNotesOnHono(
  options: TollgateOptions,
  port: number,
  hostname: string,
): Promise<{ tollgate: Tollgate; url: string; close(): Promise<void> }> {
  const tollgate = await createTollgate({
    ...options,
    router: appRouter,
    migrations: notesMigrations,
    migrationTable: NOTES_MIGRATION_TABLE,
  });
  const handle = tollgate.fetchHandler(appRouter);
  const app = new Hono<{ Bindings: HttpBindings }>();
  // Every target Tollgate answers (/trpc/*, /healthz, the JWKS, /auth/oidc/…) goes to its handler.
  app.use(async (c, next) => {
    if (!tollgate.handles(c.req.url)) return next();
    return handle(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress });
  });
  app.get("/", (c) => c.text("Notes API on Hono: /trpc"));
  let closeServer: () => Promise<void> = async () => {};
  const url = await new Promise<string>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve(`http://${hostname}:${info.port}`);
    });
    closeServer = () => new Promise<void>((done) => server.close(() => done()));
  });
  return {
    tollgate,
    url,
    async close() {
      await closeServer();
      await tollgate.close();
    },
  };
}
