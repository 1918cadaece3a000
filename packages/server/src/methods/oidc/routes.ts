import { timingSafeEqual } from "node:crypto";
import { AuthError, type AuthErrorCode } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { completeSignIn } from "../../core/complete-sign-in.js";
import { errorAnswer, type HttpAnswer } from "../../http/answer.js";
import { hashToken } from "../../stores/token-hash.js";
import type { MethodHttpRequest, MethodHttpRoutes } from "../method.js";
import { accountFor, linkIdentity } from "./accounts.js";
import { beginFlow, ownOrigin, providerOf } from "./flow.js";
import { clearFlowCookie, type Flow, OIDC_PATH_PREFIX, readFlowCookie } from "./flow-cookie.js";
import { instanceOf } from "./instance.js";
import type { ProviderIdentity } from "./provider.js";

const ROUTE = /^\/auth\/oidc\/([a-z][a-z0-9]{0,31})\/(start|callback)$/;

/**
 * GET /auth/oidc/:provider/start: redirects the browser to the provider with
 * a new flow. GET /auth/oidc/:provider/callback: the provider's redirect back;
 * checks the flow, signs in (or links), and redirects to the account page,
 * with `?error=<code>` when anything failed (never a stack: the cause is logged).
 */
export const oidcRoutes: MethodHttpRoutes = {
  prefix: OIDC_PATH_PREFIX,
  async handle(ctx, request, headers) {
    headers.set("Cache-Control", "no-store");
    const match = ROUTE.exec(request.pathname);
    if (!match) return errorAnswer(404, "NOT_FOUND", "Not found", headers);
    if (request.method !== "GET") {
      headers.set("Allow", "GET");
      return errorAnswer(405, "METHOD_NOT_ALLOWED", "Use GET", headers);
    }
    const [, name = "", step] = match;
    try {
      if (step === "start") return redirect(headers, await beginFlow(ctx, providerOf(ctx, name)));
      return redirect(headers, await callback(ctx, name, request));
    } catch (error) {
      return failure(ctx, headers, name, error);
    }
  },
};

async function callback(ctx: Context, name: string, request: MethodHttpRequest): Promise<URL> {
  const flow = await readFlowCookie(ctx);
  // Single use in the browser too: whatever happens next, this flow is over.
  clearFlowCookie(ctx);
  const provider = providerOf(ctx, name);
  if (!flow || flow.provider !== name || !sameText(request.query.get("state") ?? "", flow.state)) {
    throw new AuthError("OIDC_STATE_INVALID", "This sign-in does not match the one this browser started: start again");
  }
  if (!(await instanceOf(ctx.services).store.takeFlow(hashToken(flow.state)))) {
    throw new AuthError("OIDC_STATE_INVALID", "This sign-in is finished or expired: start again");
  }
  const identity = await provider.finish(request.query, flow);
  if (flow.link) return linkToAccount(ctx, name, flow.link, identity);

  const user = await accountFor(ctx, name, identity);
  const outcome = await completeSignIn(ctx, user, { authMethod: `oidc:${name}`, amr: ["fed"] });
  const page = accountPage(ctx);
  if (outcome.pending) {
    // The second factor is asked as after a password: the pending cookie is set, the page asks for it (`mfa`: which factors).
    page.searchParams.set("mfa", outcome.pending.methods.join(","));
    return page;
  }
  ctx.services.metrics.signIn("success");
  await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId: outcome.sessionId, detail: `oidc:${name}` });
  return page;
}

/** A flow started while signed in (auth.identities.linkStart): links to that account if its session still lives. */
async function linkToAccount(
  ctx: Context,
  name: string,
  link: NonNullable<Flow["link"]>,
  identity: ProviderIdentity,
): Promise<URL> {
  const { auth } = ctx.services;
  const session = await auth.sessions.get(link.sessionId);
  if (!session || session.userId !== link.userId || !auth.sessions.isLive(session)) {
    throw new AuthError("SESSION_REVOKED", "The session that started linking has ended: sign in and try again");
  }
  const existing = await instanceOf(ctx.services).store.find(name, identity.subject);
  if (existing && existing.userId !== link.userId) {
    throw new AuthError("IDENTITY_TAKEN", "This identity is already linked to another account");
  }
  if (!existing && !(await linkIdentity(ctx, link.userId, name, identity))) {
    throw new AuthError("IDENTITY_TAKEN", "This identity is already linked to another account");
  }
  const page = accountPage(ctx);
  page.searchParams.set("linked", name);
  return page;
}

function accountPage(ctx: Context): URL {
  return new URL("/", ownOrigin(ctx));
}

function redirect(headers: Headers, location: URL): HttpAnswer {
  headers.set("Location", location.href);
  return { status: 303, headers, body: null };
}

/** Every failure lands on the account page with its code; the cause (a library's message) only in the log. */
function failure(ctx: Context, headers: Headers, provider: string, error: unknown): HttpAnswer {
  const code: AuthErrorCode = error instanceof AuthError ? error.code : "INTERNAL_ERROR";
  const log = ctx.services.logger;
  if (code === "INTERNAL_ERROR") log.error({ err: error, provider }, "sign-in with a provider failed");
  else log.info({ code, provider, cause: (error as Error).cause }, "sign-in with a provider refused");
  let page: URL;
  try {
    page = accountPage(ctx);
  } catch {
    return errorAnswer(400, "ORIGIN", "Set PUBLIC_ORIGIN: this request's origin cannot be used in a link", headers);
  }
  page.searchParams.set("error", code);
  page.searchParams.set("provider", provider);
  return redirect(headers, page);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
