import { createHash, randomBytes } from "node:crypto";

/**
 * Single-use tokens (mailed links, setup links, pending sign-ins) and
 * recovery codes: random values of 120 to 256 bits, of which only a hash is
 * stored. At that entropy a plain SHA-256 can be neither reversed nor guessed
 * (ASVS 5.0 6.5.2), so no slow hash is needed.
 */

/** 32 random bytes (256 bits), base64url: what goes in a link or a cookie. */
const TOKEN_BYTES = 32;
/** The shape of a token made by newToken: anything else is refused before a lookup. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** What is stored of a token or code: SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
