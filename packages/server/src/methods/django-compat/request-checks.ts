import { AuthError, checkOrigin } from "@tollgate/auth";
import type { Context } from "../../context.js";
import type { HttpAnswer } from "../../http/answer.js";
import { BodyAbortedError, BodyAlreadyReadError, BodyTooLargeError } from "../../http/request.js";
import type { MethodHttpRequest } from "../method.js";
import { ACCESS_NOT_VALID, BAD_AUTHORIZATION_HEADER, drf } from "./answers.js";

/**
 * Every POST of the surface, as every Tollgate mutation: an Origin (or
 * Sec-Fetch-Site) from another site is refused, in the words of Django's
 * own CSRF failure, so the old front end shows what it showed for one.
 */
export function refuseForeignOrigin(ctx: Context, headers: Headers): HttpAnswer | undefined {
  try {
    checkOrigin({
      origin: ctx.request.origin,
      secFetchSite: ctx.request.secFetchSite,
      selfOrigin: ctx.services.config.publicOrigin ?? ctx.request.requestOrigin,
      allowedOrigins: ctx.services.config.corsOrigins,
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const origin = ctx.request.origin ?? "(none)";
    return drf(
      403,
      { detail: `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.` },
      headers,
    );
  }
}

/**
 * The JSON object a POST carries, as DRF's JSONParser reads it: 415 for
 * another media type, 400 `{"detail": "JSON parse error - …"}`, 400
 * `{"non_field_errors": […]}` for JSON that is not an object, 413 over 1 MiB.
 */
export async function readJsonObject(
  request: MethodHttpRequest,
  headers: Headers,
): Promise<{ value: Record<string, unknown> } | { answer: HttpAnswer }> {
  const type = (request.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "application/json") {
    return { answer: drf(415, { detail: `Unsupported media type "${type}" in request.` }, headers) };
  }
  let text: string;
  try {
    text = await request.readBody();
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return { answer: drf(413, { detail: `Request body is over ${error.limit} bytes.` }, headers) };
    }
    if (error instanceof BodyAbortedError || error instanceof BodyAlreadyReadError) {
      return { answer: drf(400, { detail: error.message }, headers) };
    }
    throw error;
  }
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    return { answer: drf(400, { detail: `JSON parse error - ${(error as Error).message}` }, headers) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      answer: drf(
        400,
        { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(value)}.`] },
        headers,
      ),
    };
  }
  return { value: value as Record<string, unknown> };
}

/**
 * What a request presents as its access token, read as the reference's
 * authentication reads it: a `Bearer` header's token, else the access
 * cookie's. Another scheme in Authorization (Basic, say) is no JWT
 * credential: SimpleJWT passes over it and the cookie decides. `Bearer`
 * without exactly one value is SimpleJWT's bad_authorization_header; two
 * access cookies are a tossed cookie, and no token.
 */
export type PresentedAccessToken =
  | { readonly token: string }
  | { readonly none: true }
  | { readonly refused: typeof ACCESS_NOT_VALID | typeof BAD_AUTHORIZATION_HEADER };

export function presentedAccessToken(ctx: Context, cookieNames: readonly string[]): PresentedAccessToken {
  const [scheme, ...values] = (ctx.authorization ?? "").split(/\s+/).filter((part) => part !== "");
  if (scheme === "Bearer") {
    const [token] = values;
    return values.length === 1 && token !== undefined ? { token } : { refused: BAD_AUTHORIZATION_HEADER };
  }
  for (const name of cookieNames) {
    const values = ctx.cookies.get(name);
    if (!values) continue;
    const [token] = values;
    return values.length === 1 && token ? { token } : { refused: ACCESS_NOT_VALID };
  }
  return { none: true };
}

/** A JWT (SimpleJWT's) has three parts; Tollgate's refresh tokens two (`lookup.secret`). */
export function isJwt(token: string): boolean {
  return token.split(".").length === 3;
}

/** The name Python gives a JSON value's type, as DRF's message says it. */
function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (value === null) return "NoneType";
  const names: Record<string, string> = { string: "str", number: "int", boolean: "bool" };
  return names[typeof value] ?? typeof value;
}
