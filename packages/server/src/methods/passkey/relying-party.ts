import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";

export interface RelyingParty {
  /** The RP ID: the host name of the server's own origin (a passkey is bound to it). */
  readonly id: string;
  /** Shown by the authenticator beside the account. */
  readonly name: string;
  /** Origins a ceremony may run on: the server's own and the CORS_ORIGINS web origins. */
  readonly origins: string[];
}

/**
 * The relying party from PUBLIC_ORIGIN (or, without it, the request's own
 * origin, which the request pipeline accepts only for loopback or HOST), so
 * passkeys are bound to the name users see, and the allowed web origins.
 */
export function relyingParty(ctx: Context): RelyingParty {
  const { config } = ctx.services;
  const own = config.publicOrigin ?? ctx.request.requestOrigin;
  if (!own) throw new AuthError("REQUEST_INVALID", "The server's own origin is unknown: set PUBLIC_ORIGIN");
  const name = config.tokenIssuer === "tollgate" ? "Tollgate" : config.tokenIssuer;
  return { id: new URL(own).hostname, name, origins: [new URL(own).origin, ...config.corsOrigins] };
}
