import type { StoredSigningKey } from "@tollgate/auth";
import { importJWK, SignJWT } from "jose";
import { generatedSigningKeyStore } from "../../src/signing-keys.js";
import type { TestBrowser } from "./http-client.js";
import type { TestServer } from "./server.js";

/** The decoded protected header of a JWT. */
export function jwtHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString());
}

/** The decoded claims of a JWT (unverified). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
}

export function accessTokenOf(browser: TestBrowser): string {
  const token = browser.cookies.get("access_token")?.value;
  if (!token) throw new Error("not signed in");
  return token;
}

/** The server's stored signing keys, private parts included (to forge tokens as only the key holder could). */
export function storedSigningKeys(server: TestServer): Promise<StoredSigningKey[]> {
  return generatedSigningKeyStore(server.app.services.config, server.database).list();
}

/** A JWT with the server's claims for `userId`/`sessionId`, signed with a stored key under `header`. */
export async function signWithStoredKey(
  key: StoredSigningKey,
  claims: { sub: string; sid: string; iat: number; exp: number; iss?: string; aud?: string },
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: key.alg, typ: "at+jwt", kid: key.kid, ...header })
    .setIssuer(claims.iss ?? "tollgate")
    .setAudience(claims.aud ?? "tollgate")
    .setSubject(claims.sub)
    .setJti("forged")
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(await importJWK(key.privateJwk, key.alg));
}
