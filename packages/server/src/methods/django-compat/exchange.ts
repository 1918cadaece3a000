import { AuthError } from "@tollgate/auth";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { secondFactorsOf } from "../../core/complete-sign-in.js";
import { type SignInProof, startSession } from "../../core/session-start.js";
import { mustConfirmAddress } from "../../core/verification-mail.js";
import { acceptDjangoToken, djangoStoreOf } from "./django-token.js";
import type { DjangoStore } from "./store.js";

/** The refusal of a Django refresh token a logout used up. */
const USED_UP = "SimpleJWT token refused: used up by a logout";

/**
 * A session from an exchanged SimpleJWT refresh token proves nothing to
 * Tollgate afresh: no amr, so any step-up asks for a password or factor,
 * and auth.sessions shows how it began.
 */
export const DJANGO_TOKEN_PROOF: SignInProof = { authMethod: "django-token", amr: [] };

/**
 * `exchanged`: a new session and its cookies. `replayed`: the token was
 * exchanged moments ago (within REFRESH_REUSE_GRACE) by a parallel call,
 * whose answer carries the session's cookies; this one sets none, so the
 * browser never ends up with two sessions.
 */
export type DjangoExchange = "exchanged" | "replayed";

/**
 * Exchanges a SimpleJWT refresh token for a Tollgate session, once: the
 * token is accepted as django-token.ts says, then its jti is used up in one
 * insert (the same token sent ten times at once gets one session), then the
 * session starts as every sign-in's does (cookies, CSRF, known device,
 * audit). The Django cookie is replaced by Tollgate's refresh cookie at the
 * same Path. Refused: an account with a second factor on in Tollgate (the
 * old token never proved it), and under EMAIL_VERIFICATION=required one
 * whose address is not confirmed, as a password sign-in would be.
 */
export async function exchangeDjangoRefresh(ctx: Context, token: string): Promise<DjangoExchange> {
  const { claims, user } = await acceptDjangoToken(ctx, token, "refresh");
  const store = djangoStoreOf(ctx);
  // A jti used up already is a duplicate or a copy, whatever the account's state is now.
  const used = await store.exchangeOf(claims.jti);
  if (used) return presentedAgain(ctx, used);
  if ((await secondFactorsOf(ctx, user)).length > 0) {
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: the account has a second factor now");
  }
  if (await mustConfirmAddress(ctx, user)) {
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: the account's address is not confirmed yet");
  }
  if (!(await store.useOnce(claims.jti, user.id, claims.expiresAt))) {
    return presentedAgain(ctx, await store.exchangeOf(claims.jti));
  }
  let sessionId: string;
  let recorded: boolean;
  try {
    ({ sessionId } = await startSession(ctx, user, DJANGO_TOKEN_PROOF));
    recorded = await store.recordExchange(claims.jti, sessionId);
  } catch (error) {
    // No session came of it (the database refused): the token is given back rather than burnt, so its
    // owner is not signed out.
    await store.release(claims.jti).catch(() => undefined);
    throw error;
  }
  // A logout burnt the token, or a password change or "sign out everywhere" ended the user's Django tokens,
  // while this exchange was under way: the session it just started ends at once.
  if (!recorded || (await store.userIdOf(claims.djangoUserId)) !== user.id) {
    await ctx.services.auth.sessions.revoke(sessionId, "logout");
    throw new AuthError("TOKEN_INVALID", "SimpleJWT token refused: signed out while it was exchanged");
  }
  ctx.log.userId = user.id;
  ctx.services.metrics.signIn("success");
  await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId, detail: "django-token" });
  return "exchanged";
}

/** What the store knows of a used jti (DjangoStore.exchangeOf). */
type UsedJti = Awaited<ReturnType<DjangoStore["exchangeOf"]>>;

/**
 * A Django refresh token used up already, as Tollgate's rotation treats a
 * rotated refresh token: within REFRESH_REUSE_GRACE of its exchange a
 * racing duplicate (two tabs refreshing at once) is answered without
 * cookies; after it, the token was copied, and the session it became ends
 * (theft detection: either holder may be the thief). A token burnt by a
 * logout is only refused (the logout ended its session).
 */
async function presentedAgain(ctx: Context, used: UsedJti): Promise<DjangoExchange> {
  const { auth, config, metrics, now } = ctx.services;
  if (used === undefined || used.userId === null) throw new AuthError("TOKEN_INVALID", USED_UP);
  if (now() - used.usedAt.getTime() <= config.refreshReuseGrace * 1000) {
    metrics.refresh("grace_replay");
    return "replayed";
  }
  if (used.sessionId !== null && (await auth.sessions.revoke(used.sessionId, "refresh_token_reused"))) {
    metrics.refresh("reuse_detected");
    await audit(ctx, { event: "refresh_reuse_detected", userId: used.userId, sessionId: used.sessionId });
  }
  throw new AuthError("REFRESH_REUSED", "SimpleJWT token presented again after its exchange: its session ended");
}
