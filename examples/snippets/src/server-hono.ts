import { type HttpBindings, serve } from "@hono/node-server";
import { createTollgate, loadConfig } from "@tollgate/server";
import { Hono } from "hono";
import { appRouter } from "./app-router.js";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const handle = tollgate.fetchHandler(appRouter); // (Request, { clientAddress }) => Promise<Response>

const app = new Hono<{ Bindings: HttpBindings }>();
// The client's address feeds the sign-in limits (per client network): required.
app.all("/trpc/*", (c) => handle(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress }));
app.get("/healthz", (c) => handle(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress }));

serve({ fetch: app.fetch, port: 3000, hostname: "127.0.0.1" });
