import { AuthError, MAX_PASSWORD_LENGTH } from "@tollgate/auth";
import type { Context } from "../../context.js";
import type { HttpAnswer } from "../../http/answer.js";
import type { MethodHttpRequest } from "../method.js";
import { signInWithPassword } from "../password/sign-in-with-password.js";
import { busy, drf, FIELD_REQUIRED, NO_ACTIVE_ACCOUNT, unauthorized } from "./answers.js";
import { withDjangoCookies } from "./cookies.js";
import { readJsonObject } from "./request-checks.js";

const LIMITS = { username: 150, password: MAX_PASSWORD_LENGTH } as const;

/**
 * One field as DRF's CharField validates it (SimpleJWT's PasswordField is
 * one too, with trim_whitespace on): the value with surrounding whitespace
 * trimmed, or its list of messages. A password the old front end sent with
 * a trailing space thus signs in here exactly when it did in Django.
 */
function charField(body: Record<string, unknown>, name: keyof typeof LIMITS): string | string[] {
  const value = body[name];
  if (value === undefined) return [FIELD_REQUIRED];
  if (value === null) return ["This field may not be null."];
  // DRF's CharField takes numbers as their text; anything else is refused.
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string") return ["Not a valid string."];
  const trimmed = text.trim();
  if (trimmed === "") return ["This field may not be blank."];
  if (trimmed.length > LIMITS[name]) return [`Ensure this field has no more than ${LIMITS[name]} characters.`];
  return trimmed;
}

/**
 * POST /accounts/auth/login/ `{ username, password }`: auth.login's own
 * check (attempts counted before it, one answer for an unknown user and a
 * wrong password), answered as SimpleJWT's TokenObtainPairView: 200 `{}`
 * with the cookies, 401 `{"detail": "No active account found…"}` (an
 * inactive account too, as SimpleJWT says), 400 per field.
 */
export async function login(ctx: Context, request: MethodHttpRequest, headers: Headers): Promise<HttpAnswer> {
  const body = await readJsonObject(request, headers);
  if ("answer" in body) return body.answer;
  const username = charField(body.value, "username");
  const password = charField(body.value, "password");
  if (typeof username !== "string" || typeof password !== "string") {
    const errors: Record<string, string[]> = {};
    if (typeof username !== "string") errors.username = username;
    if (typeof password !== "string") errors.password = password;
    return drf(400, errors, headers);
  }
  try {
    const outcome = await signInWithPassword(withDjangoCookies(ctx), { username, password });
    if ("mfaRequired" in outcome) {
      // The old front end has no step for it; the account page continues this sign-in (its pending cookie is set).
      return unauthorized(
        { detail: "This account signs in with a second factor: continue on the account page.", code: "mfa_required" },
        headers,
      );
    }
    return drf(200, {}, headers);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    switch (error.code) {
      case "INVALID_CREDENTIALS":
      case "ACCOUNT_INACTIVE":
        return unauthorized(NO_ACTIVE_ACCOUNT, headers);
      case "RATE_LIMITED":
      case "HASH_QUEUE_FULL":
        return busy(error, headers);
      default:
        // EMAIL_NOT_VERIFIED, said only to someone who knows the password.
        return unauthorized({ detail: error.message }, headers);
    }
  }
}
