// The server under test, in its own process, running the built JavaScript
// (`pnpm build`) exactly as production does, and a bare node:http endpoint as
// this machine's ceiling.
// Prints one JSON line with its URLs, then serves until SIGTERM.
import { createServer } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createApp, loadConfig } from "@tollgate/server";

const config = { ...loadConfig(), logLevel: "silent" };
const app = await createApp({ config });
const url = await app.listen(0, "127.0.0.1");

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const body = JSON.stringify({ ok: true });
const bare = createServer((req, res) => {
  if (req.url === "/eld/reset") {
    delay.reset();
    res.end("{}");
    return;
  }
  if (req.url === "/eld") {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 }));
    return;
  }
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
});
await new Promise((done) => bare.listen(0, "127.0.0.1", done));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;
process.stdout.write(`${JSON.stringify({ url, bareUrl, pid: process.pid, database: app.services.database.kind })}\n`);

const stop = () => {
  bare.close();
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
