import { createSignInFlowSeal, type SignInFlowSeal } from "@tollgate/auth";
import type { Services } from "../../services.js";
import { gitHubProvider } from "./github-provider.js";
import { discoverOpenIdProvider } from "./openid-provider.js";
import type { SignInProvider } from "./provider.js";
import { createOidcStore, type OidcStore } from "./store.js";
import { oidcTables } from "./tables.js";

/** What the method keeps per Tollgate instance: its providers (discovered at start), the flow seal, its store. */
export interface OidcInstance {
  readonly providers: ReadonlyMap<string, SignInProvider>;
  readonly seal: SignInFlowSeal;
  readonly store: OidcStore;
}

const instances = new WeakMap<Services, OidcInstance>();

/**
 * At start: discovers every configured provider (in parallel). A provider
 * that fails stops the start with one line naming it, its issuer and why.
 */
export async function startOidc(services: Services): Promise<void> {
  const entries = await Promise.all(
    services.config.oidcProviders.map(async (settings) => {
      // GitHub speaks plain OAuth 2 at documented endpoints: nothing to discover.
      if (settings.protocol === "github") return [settings.name, gitHubProvider(settings)] as const;
      try {
        return [settings.name, await discoverOpenIdProvider(settings)] as const;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `OpenID Connect provider ${settings.name}: discovery at ${settings.issuer} failed: ${reason.split("\n")[0]}`,
          { cause: error },
        );
      }
    }),
  );
  const { config, database, now } = services;
  instances.set(services, {
    providers: new Map(entries),
    seal: createSignInFlowSeal(config.authSecret, config.authSecretPrevious),
    store: createOidcStore(oidcTables(database), now),
  });
}

/** The method's state for this instance (started by createTollgate before anything is served). */
export function instanceOf(services: Services): OidcInstance {
  const instance = instances.get(services);
  if (!instance) throw new Error("The oidc method was not started for this Tollgate instance");
  return instance;
}
