/**
 * The server under test, in its own process: the real app, plus two
 * benchmark-only procedures (an open query and the same query behind the
 * auth middleware) and a bare node:http endpoint as the machine's ceiling.
 * Prints one JSON line with its URLs, then serves until killed.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { appRouter, authedProcedure, createApp, loadConfig, mergeRouters, publicProcedure, router } from "@tollgate/server";

const benchRouter = mergeRouters(
  appRouter,
  router({
    bench: router({
      open: publicProcedure.query(() => ({ ok: true })),
      protected: authedProcedure.query(({ ctx }) => ({ ok: true, userId: ctx.session.userId })),
    }),
  }),
);

const config = { ...loadConfig(), logLevel: "silent" as const };
const app = await createApp({ config, router: benchRouter });
const url = await app.listen(0, "127.0.0.1");

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const body = JSON.stringify({ ok: true });
const bare = createServer((req, res) => {
  const path = req.url ?? "/";
  if (path === "/eld/reset") {
    delay.reset();
    res.end("{}");
    return;
  }
  if (path === "/eld") {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 }));
    return;
  }
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
});
await new Promise<void>((done) => bare.listen(0, "127.0.0.1", done));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
process.stdout.write(`${JSON.stringify({ url, bareUrl, pid: process.pid, database: app.services.database.kind })}\n`);

const stop = () => {
  bare.close();
  app.close().then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
