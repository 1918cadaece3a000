import { AuthError, type AuthErrorCode, checkOrigin } from "@tollgate/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import { findUnavailable } from "./backend-unavailable.js";
import type { Context } from "./context.js";
import { authCodeOf, toTRPCError } from "./errors.js";

/** What a procedure declares about itself; read by the batch policy (context.ts). */
export interface ProcedureMeta {
  /** Checks a password or a code: rate limited, and never run inside a batch of several calls. */
  readonly checksCredentials?: boolean;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      // Never a stack in a response, whatever NODE_ENV says, and never the text
      // of an unexpected internal error (SQL, driver messages): it is logged instead.
      const { stack: _stack, ...data } = shape.data;
      const authCode: AuthErrorCode | undefined = authCodeOf(error);
      const message = error.code === "INTERNAL_SERVER_ERROR" ? "Internal server error" : shape.message;
      return { ...shape, message, data: { ...data, ...(authCode ? { authCode } : {}) } };
    },
  });

export const router = t.router;
export const mergeRouters = t.mergeRouters;

/**
 * Every procedure's errors, in one place: Tollgate's error codes become their
 * HTTP codes (with Retry-After where the code has one); an unreachable
 * database or rate-limit store becomes SERVICE_UNAVAILABLE naming it.
 */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof AuthError) {
    if (cause.retryAfter !== undefined) ctx.setHeader("Retry-After", String(cause.retryAfter));
    throw toTRPCError(cause);
  }
  const unavailable = findUnavailable(result.error);
  if (unavailable) {
    ctx.setHeader("Retry-After", "5");
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: unavailable.message, cause: result.error });
  }
  return result;
});

/** Every mutation must come from our own origin or a CORS_ORIGINS one. */
const checkMutationOrigin = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation") {
    checkOrigin({
      origin: ctx.request.origin,
      secFetchSite: ctx.request.secFetchSite,
      selfOrigin: ctx.services.config.publicOrigin ?? ctx.request.requestOrigin,
      allowedOrigins: ctx.services.config.corsOrigins,
    });
  }
  return next();
});

const base = t.procedure.use(mapErrors).use(checkMutationOrigin);

export const publicProcedure = base;

/** A procedure that checks a password or code: refused inside batches, attempts reserved before checking. */
export const credentialProcedure = base.meta({ checksCredentials: true });

/** The single value of a cookie; duplicates (cookie tossing) make it unusable. */
export function singleCookie(ctx: Context, name: string, onAmbiguous: () => Error): string | undefined {
  const values = ctx.cookies.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw onAmbiguous();
  return values[0];
}

const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/;

/** Access token from `Authorization: Bearer` (no CSRF then) or the access cookie. */
export const authedProcedure = base.use(async ({ ctx, next }) => {
  const { auth } = ctx.services;
  let token: string | undefined;
  let via: "bearer" | "cookie" = "cookie";
  if (ctx.authorization !== undefined) {
    const match = BEARER.exec(ctx.authorization);
    if (!match?.[1]) throw new AuthError("TOKEN_INVALID", "Malformed Authorization header");
    token = match[1];
    via = "bearer";
  } else {
    token = singleCookie(
      ctx,
      auth.cookies.names.accessToken,
      () => new AuthError("TOKEN_INVALID", "Duplicate access token cookies"),
    );
  }
  if (!token) throw new AuthError("TOKEN_MISSING", "Not signed in");
  const claims = await auth.accessTokens.verify(token);
  // After verification, cached or not: an ended session's token is refused (a memory lookup while live).
  await auth.revocations.check(claims.sid);
  ctx.log.userId = claims.sub;
  return next({ ctx: { session: { userId: claims.sub, sessionId: claims.sid, expiresAt: claims.exp * 1000, via } } });
});

/** The session's CSRF token, required for cookie-authenticated mutations. */
export function verifyCsrf(ctx: Context, sessionId: string): string {
  const { auth } = ctx.services;
  const cookie = singleCookie(ctx, auth.cookies.names.csrfToken, () => new AuthError("CSRF", "Duplicate CSRF cookies"));
  auth.csrf.verify({ header: ctx.csrfHeader, cookie, sessionId });
  return cookie as string;
}

/** Signed in, and for cookie-authenticated calls the CSRF header of this session. */
export const protectedMutation = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.session.via === "cookie") verifyCsrf(ctx, ctx.session.sessionId);
  return next();
});

/** A signed-in procedure that checks a password or code (auth.changePassword). */
export const protectedCredentialMutation = protectedMutation.meta({ checksCredentials: true });
