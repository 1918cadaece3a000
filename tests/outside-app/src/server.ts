import type { AddressInfo } from "node:net";
import { createTollgate, loadConfig } from "@tollgate/server";
import express from "express";
import { appRouter } from "./app-router.js";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const app = express();
app.use(tollgate.nodeHandler(appRouter)); // at the root, before any body parser
app.get("/", (_req, res) => {
  res.send("the outside app");
});

// A free port, printed for the test script.
const server = app.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening http://127.0.0.1:${port}`);
});

// Ctrl-C / a supervisor's SIGTERM: stop listening, let Tollgate flush and close its database, exit 0.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    tollgate.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
