import { createServer } from "node:http";
import { createTollgate, loadConfig } from "@tollgate/server";
import { appRouter } from "./app-router.js";

// loadConfig reads the environment variables of the configuration reference; `router` names your procedures in the metrics.
const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });

// /trpc/*, /healthz and /.well-known/jwks.json; cookies, CSRF, Origin, batch policy, 413, rate limits included.
createServer(tollgate.nodeHandler(appRouter)).listen(3000, "127.0.0.1");
