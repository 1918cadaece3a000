import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** `bytes` random bytes as unpadded base64url. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256 of a high-entropy value, base64url. Secrets of 128+ random bits need no slow hash. */
export function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("base64url");
}

/** Constant-time string comparison; unequal lengths return false without leaking where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  if (left.length !== right.length) {
    // Still compare something of equal length so timing does not depend on the prefix.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function isBase64Url(value: string): boolean {
  return BASE64URL.test(value);
}
