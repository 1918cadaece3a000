import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import type { Context } from "../../context.js";
import type { User } from "../../stores/user-store.js";

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30 s. */
const DIGITS = 6;
const PERIOD = 30;
/** Steps of clock drift accepted either side of now. */
const DRIFT = 1;
const RECOVERY_CODE_COUNT = 10;
export const TOTP_CODE = /^\d{6}$/;

function totpFor(ctx: Context, secret: Secret, label: string): TOTP {
  const issuer = ctx.services.config.tokenIssuer === "tollgate" ? "Tollgate" : ctx.services.config.tokenIssuer;
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD, secret });
}

export interface Enrolment {
  /** Base32. */
  readonly secret: string;
  readonly uri: string;
  readonly qrSvg: string;
}

/** A new 160-bit secret, its otpauth:// URI and the URI as a QR code (SVG). */
export async function newEnrolment(ctx: Context, user: User): Promise<Enrolment> {
  const secret = new Secret({ size: 20 });
  const uri = totpFor(ctx, secret, user.username).toString();
  // Loaded on the first enrolment: a server where nobody turns TOTP on never holds the QR encoder.
  const { default: QRCode } = await import("qrcode");
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret: secret.base32, uri, qrSvg };
}

/**
 * The 30 s step whose code `code` is, within ±1 step of the app's clock, or
 * undefined. The caller still records the step (a code is good once).
 */
export function matchingStep(ctx: Context, base32: string, code: string): number | undefined {
  if (!TOTP_CODE.test(code)) return undefined;
  const timestamp = ctx.services.now();
  const totp = totpFor(ctx, Secret.fromBase32(base32), "");
  const delta = totp.validate({ token: code, timestamp, window: DRIFT });
  if (delta === null) return undefined;
  return totp.counter({ timestamp }) + delta;
}

/**
 * Ten recovery codes of 120 random bits (24 base32 characters in groups of
 * four): at 112 bits or more a plain SHA-256 may store them (ASVS 5.0 6.5.2).
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const base32 = new Secret({ buffer: Uint8Array.from(randomBytes(15)).buffer }).base32;
    return base32.match(/.{4}/g)?.join("-") ?? base32;
  });
}

/** What is hashed: case, spaces and dashes do not matter when typing a code. */
export function normalizeRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}
