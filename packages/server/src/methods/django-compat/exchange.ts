import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { secondFactorsOf } from "../../core/complete-sign-in.js";
import { type SignInProof, startSession } from "../../core/session-start.js";
import { acceptDjangoToken, djangoStoreOf } from "./django-token.js";

/**
 * A session from an exchanged SimpleJWT refresh token proves nothing to
 * Tollgate afresh: no amr, so any step-up asks for a password or factor,
 * and auth.sessions shows how it began.
 */
/** The refusal of a Django refresh token used up already (by a parallel call, or before). */
export const ALREADY_EXCHANGED = "SimpleJWT token refused: already exchanged";

export const DJANGO_TOKEN_PROOF: SignInProof = { authMethod: "django-token", amr: [] };

/**
 * Exchanges a SimpleJWT refresh token for a Tollgate session, once: the
 * token is accepted as django-token.ts says, then its jti is used up in one
 * insert (the same token sent ten times at once gets one session), then the
 * session starts as every sign-in's does (cookies, CSRF, known device,
 * audit). The Django cookie is replaced by Tollgate's refresh cookie at the
 * same Path. An account with a second factor on in Tollgate is refused: the
 * old token never proved it.
 */
export async function exchangeDjangoRefresh(ctx: Context, token: string): Promise<void> {
  const { claims, user } = await acceptDjangoToken(ctx, token, "refresh");
  if ((await secondFactorsOf(ctx, user)).length > 0) {
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: the account has a second factor now");
  }
  if (!(await djangoStoreOf(ctx).useOnce(claims.jti, user.id, claims.expiresAt))) {
    throw new AuthError("TOKEN_INVALID", ALREADY_EXCHANGED);
  }
  const { sessionId } = await startSession(ctx, user, DJANGO_TOKEN_PROOF);
  ctx.log.userId = user.id;
  ctx.services.metrics.signIn("success");
  await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId, detail: "django-token" });
}
