export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type AccessTokens,
  createAccessTokens,
  type IssuedAccessToken,
} from "./access-token.js";
export { type Auth, type AuthOptions, createAuth } from "./auth.js";
export {
  type CookieAttributes,
  type CookieNames,
  type CookiePolicy,
  createSessionCookies,
  parseCookieHeader,
  type SameSite,
  type SessionCookies,
  serializeCookie,
  validateCookie,
} from "./cookies.js";
export { type CsrfTokens, checkOrigin, createCsrfTokens, normalizeOrigin, type OriginCheckInput } from "./csrf.js";
export { randomToken, safeEqual, sha256 } from "./encoding.js";
export { AuthError, type AuthErrorCode } from "./errors.js";
export { createKeyring, type Keyring, MIN_SECRET_BYTES } from "./keyring.js";
export { createMemorySessionStore } from "./memory-session-store.js";
export {
  type Argon2Params,
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
  isDjangoHash,
  MAX_PASSWORD_LENGTH,
  type PasswordHasher,
  type PasswordHasherOptions,
  type PasswordVerification,
  verifyDjangoPbkdf2,
} from "./password.js";
export {
  createSessions,
  type RefreshResult,
  type SessionMeta,
  type SessionOptions,
  type Sessions,
} from "./sessions.js";
export type { NewSession, RevokeReason, RotateInput, SessionStore, StoredSession } from "./store.js";
