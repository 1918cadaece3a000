import { Secret, TOTP } from "otpauth";

/** The code an authenticator app shows for `secret` at `timestamp` (epoch ms), computed with the same library. */
export function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp,
  });
}

/** The middle of the current 30 s step: a start for fake clocks where ±1 step is unambiguous. */
export function middleOfTotpStep(now = Date.now()): number {
  return Math.floor(now / 30_000) * 30_000 + 15_000;
}
