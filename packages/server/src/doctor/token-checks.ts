import type { CheckGroup, DoctorInput, Finding } from "./finding.js";

/** TOKEN_AUDIENCE's default: tokens meant for Tollgate itself. */
const OWN_AUDIENCE = "tollgate";

/**
 * HS256 while other services verify the tokens. An HS256 key verifies and
 * signs alike, so a service that checks the tokens can also mint them for
 * any user. Tollgate cannot see who verifies its tokens; the signals used:
 * a TOKEN_AUDIENCE other than the default (the audience names the
 * recipients, so they are not Tollgate), and, on a running server, requests
 * for /.well-known/jwks.json (resource servers looking for the public keys,
 * which HS256 does not publish: they answer 404).
 */
function sharedHs256({ config, live }: DoctorInput): Finding[] {
  if (config.accessTokenAlg !== "HS256") return [];
  const jwksAsked = live.traffic?.jwksRequests ?? 0;
  const reasons = [
    ...(config.tokenAudience !== OWN_AUDIENCE
      ? [`TOKEN_AUDIENCE is "${config.tokenAudience}", naming recipients other than Tollgate`]
      : []),
    ...(jwksAsked > 0 ? [`${jwksAsked} recent requests asked for /.well-known/jwks.json`] : []),
  ];
  if (reasons.length === 0) return [];
  return [
    {
      id: "TG-TOKEN-HS256-SHARED",
      severity: "warning",
      message: `ACCESS_TOKEN_ALG is HS256 while other services seem to verify the tokens (${reasons.join("; ")}): whoever holds the key to verify HS256 tokens can sign them too`,
      fix: "Set ACCESS_TOKEN_ALG=EdDSA (or ES256): other services verify with the public keys at /.well-known/jwks.json and can mint nothing.",
      standard: "ASVS 5.0 9.1.3; RFC 9068 §4",
    },
  ];
}

export const tokenChecks: CheckGroup = { ids: ["TG-TOKEN-HS256-SHARED"], run: sharedHs256 };
