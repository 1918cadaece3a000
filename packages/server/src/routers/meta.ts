import { methodsOf } from "../core/served-methods.js";
import { publicProcedure, router } from "../trpc.js";

/** Public facts a client needs to talk to this server; nothing secret, no auth. */
export const metaRouter = router({
  info: publicProcedure.query(({ ctx }) => {
    const { config, auth } = ctx.services;
    return {
      name: "tollgate" as const,
      accessTokenTtl: config.accessTokenTtl,
      csrfHeader: "x-csrf-token" as const,
      cookieNames: auth.cookies.names,
      /** Whether auth.signUp is open (the account page shows its form). */
      signup: config.signup,
      /** The sign-in methods that answer on this server, by id (e.g. "passkey", "emailCode"). */
      methods: methodsOf(ctx.services)
        .filter((method) => method.available?.(config) ?? true)
        .map((method) => method.id),
    };
  }),
});
