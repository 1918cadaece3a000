import type { AuthError } from "@tollgate/auth";
import { type HttpAnswer, jsonAnswer } from "../../http/answer.js";

/**
 * The reference's error bodies, as Django REST Framework and SimpleJWT
 * write them, so the old front end's error handling keeps working: DRF
 * `{"detail": …}` for exceptions, `{"field": ["…"]}` for validation,
 * SimpleJWT's `"code": "token_not_valid"` beside its detail.
 */
export const NOT_AUTHENTICATED = { detail: "Authentication credentials were not provided." };
export const NO_ACTIVE_ACCOUNT = { detail: "No active account found with the given credentials" };
export const TOKEN_NOT_VALID = { detail: "Token is invalid or expired", code: "token_not_valid" };
/** What SimpleJWT's JWTAuthentication answers for a bad access token. */
export const ACCESS_NOT_VALID = { detail: "Given token not valid for any token type", code: "token_not_valid" };
/** SimpleJWT's answer for `Authorization: Bearer` without exactly one value after it. */
export const BAD_AUTHORIZATION_HEADER = {
  detail: "Authorization header must contain two space-delimited values",
  code: "bad_authorization_header",
};
export const NOT_FOUND = { detail: "Not found." };
export const LOGGED_OUT = { detail: "Successfully logged out." };
export const FIELD_REQUIRED = "This field is required.";

export function drf(status: number, body: object, headers: Headers): HttpAnswer {
  return jsonAnswer(status, body, headers);
}

/** 401 as DRF sends it: with the WWW-Authenticate header of JWTAuthentication. */
export function unauthorized(body: object, headers: Headers): HttpAnswer {
  headers.set("WWW-Authenticate", 'Bearer realm="api"');
  return drf(401, body, headers);
}

export function methodNotAllowed(method: string, allow: string, headers: Headers): HttpAnswer {
  headers.set("Allow", allow);
  return drf(405, { detail: `Method "${method}" not allowed.` }, headers);
}

/** DRF's throttling answer (429 with Retry-After) and a full hashing queue (503 with Retry-After). */
export function busy(error: AuthError, headers: Headers): HttpAnswer {
  const wait = error.retryAfter ?? 1;
  headers.set("Retry-After", String(wait));
  if (error.code === "RATE_LIMITED") {
    return drf(429, { detail: `Request was throttled. Expected available in ${wait} seconds.` }, headers);
  }
  return drf(503, { detail: "Service temporarily unavailable, try again later." }, headers);
}
