import { generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccessTokens } from "./access-token.js";
import { createKeyring } from "./keyring.js";
import { createResourceServerVerifier, JwksUnavailableError } from "./resource-server.js";
import { createSigningKeyRing, type SigningKeyRing } from "./signing-key-ring.js";
import { createMemorySigningKeyStore } from "./signing-key-store.js";
import { rejectionCode as codeOf } from "./testing/auth-error-code.js";

const TTL = 900;
let ring: SigningKeyRing;
let fetches = 0;
let down = false;

/** Serves the ring's JWKS as Tollgate would, without a socket (packages/auth knows no HTTP server). */
const fetchJwks = async () => {
  fetches++;
  if (down) return new Response("no", { status: 503 });
  return Response.json(ring.publicJwks());
};

const options = {
  jwksUrl: "https://auth.example/.well-known/jwks.json",
  issuer: "iss",
  audience: "aud",
  algorithms: ["EdDSA"] as const,
  fetch: fetchJwks,
};

beforeAll(async () => {
  ring = await createSigningKeyRing({ store: createMemorySigningKeyStore(), algorithm: "EdDSA", ttl: TTL });
});

async function issue(now = Date.now()) {
  const keyring = await createKeyring("s".repeat(32));
  const tokens = createAccessTokens({
    keyring,
    signingKeys: ring,
    issuer: "iss",
    audience: "aud",
    ttl: TTL,
    now: () => now,
  });
  return (await tokens.issue({ userId: "u1", sessionId: "s1" })).token;
}

describe("createResourceServerVerifier", () => {
  it("verifies a Tollgate token from the published keys, fetching them once", async () => {
    fetches = 0;
    const verifier = createResourceServerVerifier(options);
    expect(await verifier.verify(await issue())).toMatchObject({ sub: "u1", sid: "s1" });
    expect(await verifier.verify(await issue())).toMatchObject({ sub: "u1" });
    expect(fetches).toBe(1);
  });

  it("answers missing, expired, tampered, wrong-audience and unknown-key tokens with AuthError codes", async () => {
    const verifier = createResourceServerVerifier(options);
    expect(await codeOf(verifier.verify(undefined))).toBe("TOKEN_MISSING");
    expect(await codeOf(verifier.verify(await issue(Date.now() - 2 * TTL * 1000)))).toBe("TOKEN_EXPIRED");
    const token = await issue();
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "admin" })).toString("base64url")}.${s}`;
    expect(await codeOf(verifier.verify(tampered))).toBe("TOKEN_INVALID");
    const other = createResourceServerVerifier({ ...options, audience: "another-api" });
    expect(await codeOf(other.verify(token))).toBe("TOKEN_INVALID");
    const { privateKey } = await generateKeyPair("EdDSA");
    const stranger = await new SignJWT({ sid: "s1" })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: "stranger" })
      .setIssuer("iss")
      .setAudience("aud")
      .setSubject("u1")
      .setJti("j")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    expect(await codeOf(verifier.verify(stranger))).toBe("TOKEN_INVALID");
  });

  it("reports an unreachable key set apart from bad tokens", async () => {
    down = true;
    try {
      const verifier = createResourceServerVerifier(options);
      await expect(verifier.verify(await issue())).rejects.toBeInstanceOf(JwksUnavailableError);
    } finally {
      down = false;
    }
  });

  it("rejects bad options with a TypeError: HS256 cannot be verified from public keys", () => {
    expect(() => createResourceServerVerifier({ ...options, algorithms: ["HS256" as "EdDSA"] })).toThrow(TypeError);
    expect(() => createResourceServerVerifier({ ...options, algorithms: [] })).toThrow(TypeError);
    expect(() => createResourceServerVerifier({ ...options, issuer: "" })).toThrow(TypeError);
    expect(() => createResourceServerVerifier({ ...options, jwksUrl: "file:///etc/passwd" })).toThrow(TypeError);
  });
});
