import type { JWTPayload } from "jose";
import { AuthError } from "./errors.js";
import { type Amr, type AssuranceLevel, assuranceLevelOf, isAmr } from "./protocol/assurance.js";

/**
 * How and when the user proved who they are, as an access token carries it
 * (OpenID Connect's names): `amr` (RFC 8176), `auth_time` (epoch seconds) and
 * `acr` (an assurance level, see protocol/assurance.ts). Tokens issued before
 * step-up existed have none of them: read as no level and the oldest proof.
 */
export interface AuthenticationClaims {
  readonly amr?: readonly Amr[];
  readonly auth_time?: number;
  readonly acr?: AssuranceLevel;
}

/** What a session knows of its proof; the token's claims are derived from it. */
export interface AuthenticationProof {
  readonly amr: readonly Amr[];
  /** Null: a session older than step-up (no auth_time claim). */
  readonly authTime: Date | null;
}

/** The claims to sign for a session's proof: acr always derived from amr, never given apart from it. */
export function authenticationClaimsOf(proof: AuthenticationProof | undefined): AuthenticationClaims {
  if (!proof || proof.amr.length === 0) return {};
  const acr = assuranceLevelOf(proof.amr);
  return {
    amr: [...proof.amr],
    ...(proof.authTime ? { auth_time: Math.floor(proof.authTime.getTime() / 1000) } : {}),
    ...(acr ? { acr } : {}),
  };
}

/**
 * The claims of a verified payload. Absent: none (an older token). Present
 * but not of the right shape, or an `acr` that its `amr` does not reach: the
 * token is TOKEN_INVALID (its issuer never signs such a thing).
 */
export function readAuthenticationClaims(payload: JWTPayload): AuthenticationClaims {
  const { amr, auth_time, acr } = payload;
  const malformed = () => new AuthError("TOKEN_INVALID", "Access token authentication claims are malformed");
  if (amr === undefined) {
    if (auth_time !== undefined || acr !== undefined) throw malformed();
    return {};
  }
  if (!Array.isArray(amr) || amr.length > 8 || !amr.every(isAmr)) throw malformed();
  if (auth_time !== undefined && (typeof auth_time !== "number" || !Number.isInteger(auth_time) || auth_time < 0)) {
    throw malformed();
  }
  const level = assuranceLevelOf(amr);
  if (acr !== level) throw malformed();
  return {
    amr,
    ...(auth_time !== undefined ? { auth_time } : {}),
    ...(level ? { acr: level } : {}),
  };
}
