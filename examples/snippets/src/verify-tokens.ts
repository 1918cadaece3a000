import { AuthError, createResourceServerVerifier, JwksUnavailableError } from "@tollgate/auth";

// Another service verifying Tollgate's access tokens (ACCESS_TOKEN_ALG=EdDSA or ES256) with the public keys.
const verifier = createResourceServerVerifier({
  jwksUrl: "https://auth.example.com/.well-known/jwks.json",
  issuer: "tollgate", // TOKEN_ISSUER
  audience: "tollgate", // TOKEN_AUDIENCE
  algorithms: ["EdDSA"], // ACCESS_TOKEN_ALG
  clockTolerance: 5, // seconds (the default)
});

export async function userOf(authorization: string | undefined): Promise<{ status: number; userId?: string }> {
  const bearer = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  try {
    const { sub } = await verifier.verify(bearer); // also sid (session id), exp, acr, amr, auth_time
    return { status: 200, userId: sub };
  } catch (error) {
    if (error instanceof AuthError) return { status: 401 }; // TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED
    if (error instanceof JwksUnavailableError) return { status: 503 }; // Tollgate unreachable
    throw error;
  }
}
