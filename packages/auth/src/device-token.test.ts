import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDeviceTokens } from "./device-token.js";
import { createKeyring } from "./keyring.js";

const secret = randomBytes(32);
const userId = "0b6f8c4e-8d3a-4c61-9a43-2f1d6f0e9a10";

describe("known-device tokens", () => {
  it("names the device and the user it signed in as, and keeps a given device id", () => {
    const tokens = createDeviceTokens(secret);
    const token = tokens.issue(userId);
    const read = tokens.read(token);
    expect(read?.userId).toBe(userId);
    expect(read?.deviceId).toMatch(/^[\w-]{22}$/);
    expect(tokens.read(tokens.issue(userId, read?.deviceId))).toEqual(read);
  });

  it("reads a token signed under a previous secret after rotation", () => {
    const previous = createDeviceTokens(secret);
    const rotated = createDeviceTokens(randomBytes(32), [secret]);
    expect(rotated.read(previous.issue(userId))?.userId).toBe(userId);
  });

  it("treats a tampered, foreign, unsigned or malformed token as no device", () => {
    const tokens = createDeviceTokens(secret);
    const token = tokens.issue(userId);
    const [deviceId = "", , signature = ""] = token.split(".");
    const otherUser = "1b6f8c4e-8d3a-4c61-9a43-2f1d6f0e9a10";
    expect(tokens.read(`${deviceId}.${otherUser}.${signature}`)).toBeUndefined();
    expect(tokens.read(createDeviceTokens(randomBytes(32)).issue(userId))).toBeUndefined();
    expect(tokens.read(`${deviceId}.${userId}`)).toBeUndefined();
    expect(tokens.read(`${token}.extra`)).toBeUndefined();
    expect(tokens.read("")).toBeUndefined();
    expect(tokens.read(undefined)).toBeUndefined();
    expect(tokens.read("x".repeat(500))).toBeUndefined();
  });

  it("uses a key of its own: a MAC under the raw secret or the CSRF key does not verify", async () => {
    const tokens = createDeviceTokens(secret);
    const [deviceId = ""] = tokens.issue(userId).split(".");
    const { csrf } = (await createKeyring(secret)).current;
    for (const key of [secret, csrf]) {
      const foreign = createHmac("sha256", key).update(`${deviceId}.${userId}`).digest("base64url");
      expect(tokens.read(`${deviceId}.${userId}.${foreign}`)).toBeUndefined();
    }
  });

  it("refuses to issue for ids that would not fit the cookie", () => {
    const tokens = createDeviceTokens(secret);
    expect(() => tokens.issue("a.b")).toThrow(TypeError);
    expect(() => tokens.issue(userId, "has space")).toThrow(TypeError);
  });
});
