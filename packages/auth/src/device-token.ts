import { createHmac } from "node:crypto";
import { isBase64Url, randomToken, safeEqual } from "./encoding.js";
import { knownDeviceKeys } from "./keyring.js";

/**
 * The value of a known-device cookie: `deviceId.userId.mac`, with
 * mac = HMAC(knownDeviceKey, deviceId "." userId) under a key derived from
 * the secret with a label of its own (a device token never verifies as a
 * CSRF token or anything else). It names a browser that once signed in as
 * that user; it grants nothing by itself. Tokens signed under a previous
 * secret still read.
 */
export interface DeviceTokens {
  /** A token for `userId`, keeping `deviceId` when given (a device that signs in again stays the same device). */
  issue(userId: string, deviceId?: string): string;
  /** The device and user a token names, when it is well formed and signed; otherwise undefined (never throws). */
  read(token: string | undefined): { deviceId: string; userId: string } | undefined;
}

const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TOKEN_LENGTH = 200;

function mac(key: Buffer, deviceId: string, userId: string): string {
  return createHmac("sha256", key).update(`${deviceId}.${userId}`).digest("base64url");
}

export function createDeviceTokens(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): DeviceTokens {
  const keys = knownDeviceKeys(secret, previousSecrets);
  const [current] = keys;
  if (!current) throw new TypeError("no secret to sign device tokens with");
  return {
    issue(userId, deviceId = randomToken(16)) {
      if (!ID_SHAPE.test(userId)) throw new TypeError("A device token's user id must be 1-64 base64url characters");
      if (!ID_SHAPE.test(deviceId)) throw new TypeError("A device id must be 1-64 base64url characters");
      return `${deviceId}.${userId}.${mac(current, deviceId, userId)}`;
    },
    read(token) {
      if (!token || token.length > MAX_TOKEN_LENGTH) return undefined;
      const [deviceId, userId, signature, extra] = token.split(".");
      if (!deviceId || !userId || !signature || extra !== undefined) return undefined;
      if (!ID_SHAPE.test(deviceId) || !ID_SHAPE.test(userId) || !isBase64Url(signature)) return undefined;
      const valid = keys.some((key) => safeEqual(signature, mac(key, deviceId, userId)));
      return valid ? { deviceId, userId } : undefined;
    },
  };
}
