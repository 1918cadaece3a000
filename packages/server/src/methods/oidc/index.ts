import type { NoRoutes, SignInMethod } from "../method.js";
import { identitiesRouter } from "./identities.js";
import { startOidc } from "./instance.js";
import { oidcRoutes } from "./routes.js";
import { createOidcStore } from "./store.js";
import { oidcMigrations, oidcTables } from "./tables.js";

export type OidcMethod = SignInMethod<"oidc", { identities: typeof identitiesRouter }, NoRoutes>;

/**
 * Sign-in with other providers (OpenID Connect through openid-client): the
 * providers come from OIDC_PROVIDERS (config.oidcProviders) and are
 * discovered at start. Routes `GET /auth/oidc/:provider/start` and
 * `/callback`; procedures `auth.identities.*` (providers, list, linkStart,
 * unlink). A provider sign-in is one factor (`amr: ["fed"]`): the account's
 * second factor is still asked. Its tables: oidc_identities, oidc_flows.
 */
export function oidc(): OidcMethod {
  return {
    id: "oidc",
    auth: { identities: identitiesRouter },
    migrations: oidcMigrations,
    http: oidcRoutes,
    start: startOidc,
    hooks: {
      async purge({ database, now }, before) {
        return createOidcStore(oidcTables(database), now).purge(before);
      },
    },
  };
}
