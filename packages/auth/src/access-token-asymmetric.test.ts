import { base64url, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccessTokens } from "./access-token.js";
import { createKeyring, type Keyring } from "./keyring.js";
import { rotateSigningKeys } from "./signing-key-lifecycle.js";
import { createSigningKeyRing, type SigningKeyRing } from "./signing-key-ring.js";
import { createMemorySigningKeyStore, type SigningKeyStore } from "./signing-key-store.js";
import { rejectionCode as codeOf } from "./testing/auth-error-code.js";

const T0 = Date.UTC(2026, 0, 1);
const TTL = 900;
const subject = { userId: "u1", sessionId: "s1" };

let keyring: Keyring;
beforeAll(async () => {
  keyring = await createKeyring("s".repeat(32));
});

async function setup(algorithm: "EdDSA" | "ES256" = "EdDSA") {
  let t = T0;
  const now = () => t;
  const store: SigningKeyStore = createMemorySigningKeyStore();
  const ring: SigningKeyRing = await createSigningKeyRing({ store, algorithm, ttl: TTL, now });
  const tokens = createAccessTokens({ keyring, signingKeys: ring, issuer: "iss", audience: "aud", ttl: TTL, now });
  return { store, ring, tokens, now, advance: (s: number) => (t += s * 1000) };
}

function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString());
}

/** Claims valid at T0, signed however the test likes. */
function forged(protectedHeader: Record<string, unknown> & { alg: string }) {
  return new SignJWT({ sid: "s1" })
    .setProtectedHeader(protectedHeader)
    .setIssuer("iss")
    .setAudience("aud")
    .setSubject("u1")
    .setJti("j")
    .setIssuedAt(T0 / 1000)
    .setExpirationTime(T0 / 1000 + 60);
}

describe.each(["EdDSA", "ES256"] as const)("%s access tokens", (algorithm) => {
  it("carry alg, typ and the signing key's kid, and verify", async () => {
    const { ring, tokens } = await setup(algorithm);
    const { token } = await tokens.issue(subject);
    expect(header(token)).toEqual({ alg: algorithm, typ: "at+jwt", kid: ring.signingKey().kid });
    expect(await tokens.verify(token)).toMatchObject({ sub: "u1", sid: "s1" });
  });
});

describe("asymmetric verification", () => {
  it("refuses an unknown kid, a missing kid, and a kid of ours on another key's signature", async () => {
    const { ring, tokens } = await setup();
    const { privateKey } = await generateKeyPair("EdDSA");
    expect(
      await codeOf(tokens.verify(await forged({ alg: "EdDSA", typ: "at+jwt", kid: "nope" }).sign(privateKey))),
    ).toBe("TOKEN_INVALID");
    const ours = ring.signingKey();
    expect(await codeOf(tokens.verify(await forged({ alg: "EdDSA", typ: "at+jwt" }).sign(ours.key)))).toBe(
      "TOKEN_INVALID",
    );
    expect(
      await codeOf(tokens.verify(await forged({ alg: "EdDSA", typ: "at+jwt", kid: ours.kid }).sign(privateKey))),
    ).toBe("TOKEN_INVALID");
    // The control: our key, our kid.
    expect(
      await tokens.verify(await forged({ alg: "EdDSA", typ: "at+jwt", kid: ours.kid }).sign(ours.key)),
    ).toBeDefined();
  });

  it("refuses HS256 signed with the public key (algorithm confusion), HS256 of the secret, and alg none", async () => {
    const { ring, tokens } = await setup();
    const jwk = ring.publicJwks().keys[0];
    const kid = ring.signingKey().kid;
    for (const secret of [base64url.decode(jwk?.x ?? ""), new TextEncoder().encode(JSON.stringify(jwk))]) {
      const token = await forged({ alg: "HS256", typ: "at+jwt", kid }).sign(secret);
      expect(await codeOf(tokens.verify(token))).toBe("TOKEN_INVALID");
    }
    const hs = await forged({ alg: "HS256", typ: "at+jwt" }).sign(keyring.current.accessToken);
    expect(await codeOf(tokens.verify(hs))).toBe("TOKEN_INVALID");
    const none = new UnsecuredJWT({ sid: "s1" }).setSubject("u1").setIssuer("iss").setAudience("aud").encode();
    expect(await codeOf(tokens.verify(none))).toBe("TOKEN_INVALID");
  });

  it("ignores jku, x5u and jwk headers naming an attacker's key", async () => {
    const { ring, tokens } = await setup();
    const attacker = await generateKeyPair("EdDSA", { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    const headers = { jku: "https://evil.example/jwks", x5u: "https://evil.example/x5u", jwk };
    const theirs = await forged({ alg: "EdDSA", typ: "at+jwt", kid: ring.signingKey().kid, ...headers }).sign(
      attacker.privateKey,
    );
    expect(await codeOf(tokens.verify(theirs))).toBe("TOKEN_INVALID");
    const { kid, key } = ring.signingKey();
    expect(await tokens.verify(await forged({ alg: "EdDSA", typ: "at+jwt", kid, ...headers }).sign(key))).toBeDefined();
  });

  it("accepts a retired key's tokens until its grace ends, even from the cache, then refuses them", async () => {
    const { store, ring, tokens, now, advance } = await setup();
    const old = await tokens.issue(subject);
    await rotateSigningKeys(store, { now: now(), delaySeconds: 300, ttlSeconds: TTL });
    await ring.reload();
    expect(header((await tokens.issue(subject)).token).kid).toBe(header(old.token).kid);
    advance(300);
    const fresh = await tokens.issue(subject);
    expect(header(fresh.token).kid).not.toBe(header(old.token).kid);
    expect(await tokens.verify(old.token)).toMatchObject({ sub: "u1" });
    // A long-lived token of the old key (as only its holder could make) outlives the key's grace.
    const oldKey = (await store.list()).find((k) => k.kid === header(old.token).kid);
    const { importJWK } = await import("jose");
    const long = await new SignJWT({ sid: "s1" })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: oldKey?.kid ?? "" })
      .setIssuer("iss")
      .setAudience("aud")
      .setSubject("u1")
      .setJti("j")
      .setIssuedAt(now() / 1000)
      .setExpirationTime(now() / 1000 + 10 * TTL)
      .sign(await importJWK(oldKey?.privateJwk ?? {}, "EdDSA"));
    expect(await tokens.verify(long)).toMatchObject({ sub: "u1" });
    advance(TTL + 5);
    expect(await codeOf(tokens.verify(long))).toBe("TOKEN_INVALID");
    expect(await tokens.verify(fresh.token).catch(() => "refused")).toBe("refused");
  });
});
