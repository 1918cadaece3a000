import { serializeCookie } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { instanceOf } from "./instance.js";

/** Where the flow cookie goes: the start and callback routes only. */
export const OIDC_PATH_PREFIX = "/auth/oidc/";
/** Ten minutes to sign in at the provider; the flow's server-side state lives as long. */
export const FLOW_TTL = 600;

/** What a started flow needs at its callback (sealed in the browser's cookie). */
export interface Flow {
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  /** Linking to a signed-in account: its user and session (still live at the callback, or nothing is linked). */
  readonly link?: { readonly userId: string; readonly sessionId: string } | undefined;
}

function cookieName(ctx: Context): string {
  // Its Path is not "/", so __Host- is impossible: __Secure- with Secure.
  return ctx.services.config.cookieSecure ? "__Secure-oidc_flow" : "oidc_flow";
}

/**
 * Lax whatever COOKIE_SAMESITE says: the callback is a top-level navigation
 * from the provider's site, which a Strict cookie would miss; None is never
 * needed. HttpOnly: page scripts never see the PKCE verifier.
 */
function line(ctx: Context, value: string, maxAge: number): string {
  return serializeCookie(cookieName(ctx), value, {
    path: OIDC_PATH_PREFIX,
    maxAge,
    httpOnly: true,
    secure: ctx.services.config.cookieSecure,
    sameSite: "lax",
  });
}

export async function setFlowCookie(ctx: Context, flow: Flow): Promise<void> {
  const { seal } = instanceOf(ctx.services);
  const sealed = await seal.seal({ ...flow }, ctx.services.now() + FLOW_TTL * 1000);
  ctx.setCookies([line(ctx, sealed, FLOW_TTL)]);
}

export function clearFlowCookie(ctx: Context): void {
  ctx.setCookies([line(ctx, "", 0)]);
}

/**
 * The flow this browser started, when exactly one flow cookie came and it
 * opens (ours, untampered, unexpired); undefined otherwise. Two cookies of
 * that name (one tossed in by a sibling subdomain) are refused: ambiguous.
 */
export async function readFlowCookie(ctx: Context): Promise<Flow | undefined> {
  const values = ctx.cookies.get(cookieName(ctx)) ?? [];
  const [value] = values;
  if (values.length !== 1 || !value) return undefined;
  const opened = await instanceOf(ctx.services).seal.open(value, ctx.services.now());
  return opened && isFlow(opened) ? opened : undefined;
}

function isFlow(value: unknown): value is Flow {
  if (typeof value !== "object" || value === null) return false;
  const fields = value as Record<string, unknown>;
  const strings = ["provider", "state", "nonce", "codeVerifier", "redirectUri"] as const;
  if (!strings.every((key) => typeof fields[key] === "string")) return false;
  const link = fields.link as { userId?: unknown; sessionId?: unknown } | undefined;
  return link === undefined || (typeof link.userId === "string" && typeof link.sessionId === "string");
}
