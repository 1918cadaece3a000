import { createTollgate, loadConfig } from "@tollgate/server";
import express from "express";
import { appRouter } from "./app-router.js";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const app = express();
// At the root, best before any body parser: it answers /trpc/*, /healthz and the JWKS, and passes the rest on.
// Behind express.json() it takes the body the parser made (within its own 1 MiB limit).
app.use(tollgate.nodeHandler(appRouter));
app.get("/", (_req, res) => {
  res.send("your pages");
});
app.listen(3000, "127.0.0.1");
