// app/trpc/[trpc]/route.ts of a Next.js app (App Router): a route handler takes a Request, returns a Response.
import { createTollgate, loadConfig } from "@tollgate/server";
import { appRouter } from "./app-router.js";

// Tollgate needs Node's APIs (node:sqlite, argon2): not the Edge runtime.
export const runtime = "nodejs";

const tollgate = await createTollgate({ config: loadConfig(), router: appRouter });
const handle = tollgate.fetchHandler(appRouter);

// A Request carries no client address. Next.js runs behind a proxy that appends X-Forwarded-For:
// with TRUST_PROXY=true Tollgate takes the address from its right-most entry.
function handler(request: Request): Promise<Response> {
  return handle(request, { clientAddress: undefined });
}

export { handler as GET, handler as POST };
