import { AuthError } from "@tollgate/auth";
import * as client from "openid-client";
import type { Context } from "../../context.js";
import { hashToken } from "../../stores/token-hash.js";
import { FLOW_TTL, type Flow, OIDC_PATH_PREFIX, setFlowCookie } from "./flow-cookie.js";
import { instanceOf } from "./instance.js";
import type { SignInProvider } from "./provider.js";

/** This server's origin for links back to it: PUBLIC_ORIGIN, or the request's own (trusted only for loopback or HOST). */
export function ownOrigin(ctx: Context): string {
  const origin = ctx.services.config.publicOrigin ?? ctx.request.requestOrigin;
  if (!origin) throw new AuthError("ORIGIN", "Set PUBLIC_ORIGIN: this request's origin cannot be used in a link");
  return origin;
}

export function providerOf(ctx: Context, name: string): SignInProvider {
  const provider = instanceOf(ctx.services).providers.get(name);
  if (!provider) throw new AuthError("OIDC_PROVIDER_UNKNOWN", `No provider named ${name} is configured`);
  return provider;
}

/**
 * Starts a flow at `provider`: fresh state, nonce and PKCE verifier (openid-
 * client's), the state's hash stored server-side (single use, FLOW_TTL), the
 * three sealed in this browser's cookie; the provider's URL to send it to.
 * `link`: the flow links the identity to this signed-in session's account.
 */
export async function beginFlow(ctx: Context, provider: SignInProvider, link?: Flow["link"]): Promise<URL> {
  const { store } = instanceOf(ctx.services);
  const flow: Flow = {
    provider: provider.settings.name,
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    redirectUri: `${ownOrigin(ctx)}${OIDC_PATH_PREFIX}${provider.settings.name}/callback`,
    link,
  };
  await store.addFlow(hashToken(flow.state), new Date(ctx.services.now() + FLOW_TTL * 1000));
  await setFlowCookie(ctx, flow);
  return provider.authorizationUrl({
    ...flow,
    codeChallenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
  });
}
