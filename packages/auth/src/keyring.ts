import { hkdfSync, webcrypto } from "node:crypto";
import type { CryptoKey } from "jose";

/** Purpose labels for HKDF: one root secret, independent keys per use, so a CSRF MAC can never verify as a JWT signature. */
const ACCESS_TOKEN_INFO = "tollgate/access-token/v1";
const CSRF_INFO = "tollgate/csrf/v1";
const SIGNING_KEY_WRAP_INFO = "tollgate/signing-key-wrap/v1";
const TOTP_SECRET_INFO = "tollgate/totp-secret/v1";
const KNOWN_DEVICE_INFO = "tollgate/known-device/v1";
const MAIL_BODY_INFO = "tollgate/mail-body/v1";
const EMAIL_CODE_INFO = "tollgate/email-code/v1";
const SIGN_IN_FLOW_INFO = "tollgate/sign-in-flow/v1";

export const MIN_SECRET_BYTES = 32;

export interface SigningKeys {
  /** HS256 key for access tokens, imported once (jose would otherwise re-import raw bytes per call). */
  readonly accessToken: CryptoKey;
  /** Raw HMAC-SHA256 key for CSRF tokens. */
  readonly csrf: Buffer;
}

/** The current key set signs; every set (current first) verifies. */
export interface Keyring {
  readonly current: SigningKeys;
  readonly all: readonly SigningKeys[];
}

function secretBytes(secret: string | Uint8Array, label: string): Uint8Array {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new TypeError(`${label} must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

function derive(root: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", root, new Uint8Array(0), info, 32));
}

async function deriveKeys(root: Uint8Array): Promise<SigningKeys> {
  const accessToken = await webcrypto.subtle.importKey(
    "raw",
    derive(root, ACCESS_TOKEN_INFO),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  return { accessToken: accessToken as CryptoKey, csrf: derive(root, CSRF_INFO) };
}

export async function createKeyring(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Promise<Keyring> {
  const current = await deriveKeys(secretBytes(secret, "secret"));
  const previous = await Promise.all(
    previousSecrets.map((s, i) => deriveKeys(secretBytes(s, `previousSecrets[${i}]`))),
  );
  return { current, all: [current, ...previous] };
}

/** AES-256 keys (current secret first) that encrypt signing keys kept in a shared database. */
export function signingKeyWrapKeys(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Uint8Array[] {
  return [secret, ...previousSecrets].map(
    (s, i) =>
      new Uint8Array(derive(secretBytes(s, i === 0 ? "secret" : `previousSecrets[${i - 1}]`), SIGNING_KEY_WRAP_INFO)),
  );
}

/** AES-256 keys (current secret first) that encrypt users' TOTP secrets; a label of their own. */
export function totpSecretKeys(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Uint8Array[] {
  return [secret, ...previousSecrets].map(
    (s, i) =>
      new Uint8Array(derive(secretBytes(s, i === 0 ? "secret" : `previousSecrets[${i - 1}]`), TOTP_SECRET_INFO)),
  );
}

/** HMAC-SHA256 keys (current secret first) that sign known-device cookies; a label of their own. */
export function knownDeviceKeys(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Buffer[] {
  return [secret, ...previousSecrets].map((s, i) =>
    derive(secretBytes(s, i === 0 ? "secret" : `previousSecrets[${i - 1}]`), KNOWN_DEVICE_INFO),
  );
}

/** AES-256 keys (current secret first) that encrypt queued mail bodies (they hold live links); a label of their own. */
export function mailBodyKeys(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Uint8Array[] {
  return [secret, ...previousSecrets].map(
    (s, i) => new Uint8Array(derive(secretBytes(s, i === 0 ? "secret" : `previousSecrets[${i - 1}]`), MAIL_BODY_INFO)),
  );
}

/** HMAC-SHA256 keys (current secret first) under which mailed sign-in codes are stored; a label of their own. */
export function emailCodeKeys(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Buffer[] {
  return [secret, ...previousSecrets].map((s, i) =>
    derive(secretBytes(s, i === 0 ? "secret" : `previousSecrets[${i - 1}]`), EMAIL_CODE_INFO),
  );
}

/** AES-256 keys (current secret first) that seal the browser's cookie of a sign-in at another provider; a label of their own. */
export function signInFlowKeys(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): Uint8Array[] {
  return [secret, ...previousSecrets].map(
    (s, i) =>
      new Uint8Array(derive(secretBytes(s, i === 0 ? "secret" : `previousSecrets[${i - 1}]`), SIGN_IN_FLOW_INFO)),
  );
}
