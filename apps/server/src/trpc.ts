import { AuthError, checkOrigin } from "@tollgate/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Context } from "./context.js";
import { authCodeOf, isUnavailable, toTRPCError, unavailableMessage } from "./errors.js";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Never a stack in a response, whatever NODE_ENV says, and never the text
    // of an unexpected internal error (SQL, driver messages): it is logged instead.
    const { stack: _stack, ...data } = shape.data;
    const authCode = authCodeOf(error);
    const message = error.code === "INTERNAL_SERVER_ERROR" ? "Internal server error" : shape.message;
    return { ...shape, message, data: authCode ? { ...data, authCode } : data };
  },
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;

/**
 * Every procedure's errors, in one place: auth-core errors become their HTTP
 * codes, an unreachable database or rate-limit store becomes SERVICE_UNAVAILABLE.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AuthError) throw toTRPCError(cause);
    if (result.error.code === "INTERNAL_SERVER_ERROR" && isUnavailable(result.error)) {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: unavailableMessage(result.error), cause });
    }
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

/** The single value of a cookie; duplicates (cookie tossing) make it unusable. */
export function singleCookie(ctx: Context, name: string, onAmbiguous: () => Error): string | undefined {
  const values = ctx.cookies.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw onAmbiguous();
  return values[0];
}

/** Access token from `Authorization: Bearer` (no CSRF then) or the access cookie. */
export const authedProcedure = base.use(async ({ ctx, next }) => {
  const { auth } = ctx.services;
  let token: string | undefined;
  let via: "bearer" | "cookie" = "cookie";
  if (ctx.authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(ctx.authorization);
    if (!match?.[1]) throw new TRPCError({ code: "UNAUTHORIZED", message: "Malformed Authorization header" });
    token = match[1];
    via = "bearer";
  } else {
    token = singleCookie(
      ctx,
      auth.cookies.names.accessToken,
      () => new AuthError("TOKEN_INVALID", "Duplicate access token cookies"),
    );
  }
  if (!token) throw new TRPCError({ code: "UNAUTHORIZED", message: "Not signed in" });
  const claims = await auth.accessTokens.verify(token);
  ctx.log.userId = claims.sub;
  return next({ ctx: { session: { userId: claims.sub, sessionId: claims.sid, via } } });
});

/** The session's CSRF token, required for cookie-authenticated mutations. */
export function verifyCsrf(ctx: Context, sessionId: string): string {
  const { auth } = ctx.services;
  const cookie = singleCookie(ctx, auth.cookies.names.csrfToken, () => new AuthError("CSRF", "Duplicate CSRF cookies"));
  auth.csrf.verify({ header: ctx.csrfHeader, cookie, sessionId });
  return cookie as string;
}

export const protectedMutation = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.session.via === "cookie") verifyCsrf(ctx, ctx.session.sessionId);
  return next();
});
