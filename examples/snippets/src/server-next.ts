// lib/tollgate.ts of a Next.js app (App Router): the one handler every Tollgate route file exports.
import { createTollgate, loadConfig } from "@tollgate/server";
import { appRouter } from "./app-router.js";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const handle = tollgate.fetchHandler(appRouter);

// A Request carries no client address. Next.js runs behind a proxy that appends X-Forwarded-For:
// with TRUST_PROXY=true Tollgate takes the address from its right-most entry.
export function handler(request: Request): Promise<Response> {
  return handle(request, { clientAddress: undefined });
}
