import { type HttpBindings, serve } from "@hono/node-server";
import { createTollgate, loadConfig } from "@tollgate/server";
import { Hono } from "hono";
import { appRouter } from "./app-router.js";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const handle = tollgate.fetchHandler(appRouter); // (Request, { clientAddress }) => Promise<Response>

const app = new Hono<{ Bindings: HttpBindings }>();
// Everything Tollgate answers goes to its handler: /trpc/*, /healthz, /.well-known/jwks.json and the
// methods' own routes (/auth/oidc/…). The client's address feeds the sign-in limits (per client network): required.
app.use(async (c, next) => {
  if (!tollgate.handles(c.req.url)) return next();
  return handle(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress });
});
app.get("/", (c) => c.text("your own routes here"));

serve({ fetch: app.fetch, port: 3000, hostname: "127.0.0.1" });
