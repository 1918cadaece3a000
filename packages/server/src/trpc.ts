import { AuthError, type AuthErrorCode, checkOrigin } from "@tollgate/auth";
import { getTRPCErrorFromUnknown, initTRPC, TRPCError, type TRPCProcedureType } from "@trpc/server";
import { findUnavailable } from "./backend-unavailable.js";
import type { Context } from "./context.js";
import { authCodeOf, authErrorData, toTRPCError } from "./errors.js";

import type { ProcedureMeta } from "./procedure-meta.js";

export type { ProcedureMeta } from "./procedure-meta.js";

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
      // An AuthError's own data (STEP_UP_REQUIRED's `stepUp`) goes first: it never overrides tRPC's fields or authCode.
      const extra = authErrorData(error);
      return { ...shape, message, data: { ...extra, ...data, ...(authCode ? { authCode } : {}) } };
    },
  });

export const router = t.router;
export const mergeRouters = t.mergeRouters;

/**
 * Every procedure's errors, in one place: Tollgate's error codes become their
 * HTTP codes (with Retry-After where the code has one); an unreachable
 * database or rate-limit store becomes SERVICE_UNAVAILABLE naming it.
 * Undefined: the error stays as it is.
 */
function mapError(ctx: Context, error: TRPCError): TRPCError | undefined {
  const cause = error.cause;
  if (cause instanceof AuthError) {
    if (cause.retryAfter !== undefined) ctx.setHeader("Retry-After", String(cause.retryAfter));
    return toTRPCError(cause);
  }
  const unavailable = findUnavailable(error);
  if (unavailable) {
    ctx.setHeader("Retry-After", "5");
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: unavailable.message, cause: error });
  }
  return undefined;
}

/** Every mutation must come from our own origin or a CORS_ORIGINS one. */
function checkMutationOrigin(ctx: Context, type: TRPCProcedureType): void {
  if (type !== "mutation") return;
  checkOrigin({
    origin: ctx.request.origin,
    secFetchSite: ctx.request.secFetchSite,
    selfOrigin: ctx.services.config.publicOrigin ?? ctx.request.requestOrigin,
    allowedOrigins: ctx.services.config.corsOrigins,
  });
}

/** A check that failed before the procedure ran, mapped like the procedure's own errors. */
function refused(ctx: Context, cause: unknown): TRPCError {
  const error = getTRPCErrorFromUnknown(cause);
  return mapError(ctx, error) ?? error;
}

/** The procedure's result, its error mapped. */
function settled<R extends { ok: true } | { ok: false; error: TRPCError }>(ctx: Context, result: R): R {
  if (!result.ok) {
    const mapped = mapError(ctx, result.error);
    if (mapped) throw mapped;
  }
  return result;
}

// Each procedure runs one middleware of Tollgate's, which does every check it
// needs, rather than one middleware per check: every level of tRPC's
// middleware chain copies the call's options (and a new context) once more.

/** Public procedures: the Origin check for mutations, and error mapping. */
export const publicProcedure = t.procedure.use(async ({ ctx, type, next }) => {
  try {
    checkMutationOrigin(ctx, type);
  } catch (cause) {
    throw refused(ctx, cause);
  }
  return settled(ctx, await next());
});

/** A procedure that checks a password or code: refused inside batches, attempts reserved before checking. */
export const credentialProcedure = publicProcedure.meta({ checksCredentials: true });

/** The single value of a cookie; duplicates (cookie tossing) make it unusable. */
export function singleCookie(ctx: Context, name: string, onAmbiguous: () => Error): string | undefined {
  const values = ctx.cookies.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw onAmbiguous();
  return values[0];
}

const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/;

export interface Session {
  readonly userId: string;
  readonly sessionId: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly via: "bearer" | "cookie";
}

/** Access token from `Authorization: Bearer` (no CSRF then) or the access cookie. */
async function authenticate(ctx: Context): Promise<Session> {
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
  return { userId: claims.sub, sessionId: claims.sid, expiresAt: claims.exp * 1000, via };
}

/** The session's CSRF token, required for cookie-authenticated mutations. */
export function verifyCsrf(ctx: Context, sessionId: string): string {
  const { auth } = ctx.services;
  const cookie = singleCookie(ctx, auth.cookies.names.csrfToken, () => new AuthError("CSRF", "Duplicate CSRF cookies"));
  auth.csrf.verify({ header: ctx.csrfHeader, cookie, sessionId });
  return cookie as string;
}

/**
 * Signed in; a mutation authenticated by cookie also needs this session's CSRF
 * header, whoever wrote the procedure (Tollgate or an app built on it).
 */
const signedIn = t.middleware(async ({ ctx, type, next }) => {
  let session: Session;
  try {
    checkMutationOrigin(ctx, type);
    session = await authenticate(ctx);
    if (type === "mutation" && session.via === "cookie") verifyCsrf(ctx, session.sessionId);
  } catch (cause) {
    throw refused(ctx, cause);
  }
  return settled(ctx, await next({ ctx: { session } }));
});

/**
 * Signed in (access token from `Authorization: Bearer` or the access cookie):
 * `ctx.session` is typed. Mutations also get the CSRF check (cookie callers).
 */
export const authedProcedure = t.procedure.use(signedIn);

/** The same checks as authedProcedure, named for mutations (CSRF for cookie callers). */
export const protectedMutation = authedProcedure;

/** A signed-in procedure that checks a password or code (auth.changePassword). */
export const protectedCredentialMutation = protectedMutation.meta({ checksCredentials: true });
