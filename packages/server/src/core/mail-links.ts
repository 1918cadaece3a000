import { AuthError } from "@tollgate/auth";
import type { Context } from "../context.js";

/** The account page's paths that take a mailed token (static-files.ts serves the page there). */
export type AccountPagePath = "/reset-password" | "/verify-email" | "/mfa-unlock" | "/sign-in-link";

/**
 * A link into the account page: PUBLIC_ORIGIN, or else the origin of the
 * request (which request-info.ts trusts only for loopback or HOST).
 */
export function accountLink(ctx: Context, path: AccountPagePath, token: string): string {
  const origin = ctx.services.config.publicOrigin ?? ctx.request.requestOrigin;
  if (!origin) throw new AuthError("ORIGIN", "Set PUBLIC_ORIGIN: this request's origin cannot be used in a link");
  return `${origin}${path}?token=${encodeURIComponent(token)}`;
}
