import { tollgateLinks } from "@tollgate/client-sdk";
import { createTRPCClient, loggerLink } from "@trpc/client";
import type { AppRouter } from "./app-router.js";

// Tollgate's links in any tRPC client (or @trpc/tanstack-react-query's provider): put them last.
export const trpc = createTRPCClient<AppRouter>({
  links: [loggerLink(), ...tollgateLinks<AppRouter>({ url: "/trpc" })],
});
