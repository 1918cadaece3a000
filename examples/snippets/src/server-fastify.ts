import { createTollgate, loadConfig } from "@tollgate/server";
import Fastify from "fastify";
import { appRouter } from "./app-router.js";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const handle = tollgate.nodeHandler(appRouter);
const app = Fastify();
// onRequest: before Fastify reads the body, Tollgate's paths go to Tollgate.
app.addHook("onRequest", async (request, reply) => {
  if (!tollgate.handles(request.url)) return;
  reply.hijack();
  await handle(request.raw, reply.raw);
});
await app.listen({ port: 3000, host: "127.0.0.1" });
