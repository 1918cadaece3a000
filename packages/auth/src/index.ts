/**
 * @tollgate/auth: what the server (or any host of Tollgate) builds on. Internals
 * (key derivation, token encodings, the cookie serializer) stay inside.
 */
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type AccessTokenSubject,
  type IssuedAccessToken,
} from "./access-token.js";
export { type Auth, type AuthOptions, createAuth } from "./auth.js";
export type { AuthenticationClaims, AuthenticationProof } from "./authentication-claims.js";
export { type CookieNames, type SameSite, type SessionCookies, serializeCookie } from "./cookies.js";
export { checkOrigin, normalizeOrigin, type OriginCheckInput } from "./csrf.js";
export { createDeviceTokens, type DeviceTokens } from "./device-token.js";
export { AUTH_ERROR_CODES, AuthError, type AuthErrorCode } from "./errors.js";
export { emailCodeKeys, MIN_SECRET_BYTES } from "./keyring.js";
export { createMailBodyWrap, type MailBody, type MailBodyWrap } from "./mail-body-wrap.js";
export { createMemorySessionStore } from "./memory-session-store.js";
export {
  type Argon2Params,
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
  DEFAULT_THREAD_POOL_SIZE,
  type HashCallOptions,
  hashConcurrencyFor,
  isDjangoHash,
  MAX_DJANGO_ITERATIONS,
  MAX_PASSWORD_LENGTH,
  type PasswordHasher,
  type PasswordHasherOptions,
  type PasswordVerification,
  parseDjangoHash,
} from "./password.js";
export {
  checkPasswordPolicy,
  MIN_PASSWORD_LENGTH,
  type PasswordPolicyContext,
  type PasswordRule,
  passwordRuleBroken,
  passwordRuleMessage,
} from "./password-policy.js";
export {
  type Amr,
  ASSURANCE_LEVELS,
  type AssuranceLevel,
  AUTHENTICATION_METHOD_REFERENCES,
  assuranceLevelOf,
  combineAmr,
  isAmr,
  isAssuranceLevel,
  meetsLevel,
} from "./protocol/assurance.js";
export { parseCookieHeader } from "./protocol/cookie-header.js";
export {
  createResourceServerVerifier,
  JwksUnavailableError,
  type ResourceServerVerifier,
  type ResourceServerVerifierOptions,
} from "./resource-server.js";
export type { RevocationMode, RevocationPublisher, Revocations } from "./revocations.js";
export {
  createSessions,
  ENDED_SESSION_RETENTION_MS,
  type RefreshResult,
  refreshTokenLookupHash,
  type SessionMeta,
  type SessionOptions,
  type Sessions,
} from "./sessions.js";
export { createSignInFlowSeal, type SignInFlowSeal } from "./sign-in-flow-seal.js";
export {
  ensureSigningKey,
  generateSigningKey,
  type RotationOptions,
  type RotationResult,
  rotateSigningKeys,
  SigningKeyAlgorithmError,
  type SigningKeyPhase,
  SigningKeyRotationError,
  type SigningKeyState,
  signingKeyPhases,
} from "./signing-key-lifecycle.js";
export {
  createSigningKeyRing,
  type PublicJwk,
  type SigningKeyRing,
  type SigningKeyRingOptions,
} from "./signing-key-ring.js";
export {
  ASYMMETRIC_ALGORITHMS,
  type AsymmetricAlgorithm,
  createConfiguredSigningKeyStore,
  createMemorySigningKeyStore,
  isAsymmetricAlgorithm,
  type PrivateJwk,
  type SigningKeyStore,
  type StoredSigningKey,
} from "./signing-key-store.js";
export { createSigningKeyWrap, type SigningKeyWrap } from "./signing-key-wrap.js";
export type {
  NewSession,
  ReauthenticateInput,
  RevokedSession,
  RevokeReason,
  RotateInput,
  SessionStore,
  StoredSession,
} from "./store.js";
export { createTotpSecretWrap, type TotpSecretWrap } from "./totp-secret-wrap.js";
export {
  MAX_USERNAME_LENGTH,
  normalizeUsername,
  type UsernameRule,
  usernameLookupForm,
  usernameRuleBroken,
  usernameRuleMessage,
  usernameSkeleton,
} from "./username.js";
