import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccessTokens } from "./access-token.js";
import { createCsrfTokens } from "./csrf.js";
import { createKeyring, type Keyring } from "./keyring.js";
import { rejectionCode as codeOf } from "./testing/auth-error-code.js";

const SECRET = "s".repeat(32);
const OLD_SECRET = "o".repeat(32);
const T0 = Date.UTC(2026, 0, 1);

let keyring: Keyring;
let oldKeyring: Keyring;
beforeAll(async () => {
  keyring = await createKeyring(SECRET, [OLD_SECRET]);
  oldKeyring = await createKeyring(OLD_SECRET);
});

function tokens(overrides: { keyring?: Keyring; now?: () => number; issuer?: string; audience?: string } = {}) {
  return createAccessTokens({
    keyring: overrides.keyring ?? keyring,
    issuer: overrides.issuer ?? "https://tollgate.test",
    audience: overrides.audience ?? "tollgate",
    ttl: 900,
    now: overrides.now ?? (() => T0),
  });
}

const subject = { userId: "u1", sessionId: "s1" };

/** Standard claims valid for T0, on any JWT builder (signed or unsecured). */
function withClaims<
  T extends {
    setSubject(s: string): T;
    setIssuer(s: string): T;
    setAudience(s: string): T;
    setJti(s: string): T;
    setIssuedAt(n: number): T;
    setExpirationTime(n: number): T;
  },
>(jwt: T): T {
  return jwt
    .setSubject("u1")
    .setIssuer("https://tollgate.test")
    .setAudience("tollgate")
    .setJti("j")
    .setIssuedAt(T0 / 1000)
    .setExpirationTime(T0 / 1000 + 60);
}

describe("access tokens", () => {
  it("round-trips the claims and reports expiry in epoch ms", async () => {
    const issued = await tokens().issue(subject);
    expect(issued.expiresAt).toBe(T0 + 900_000);
    const claims = await tokens().verify(issued.token);
    expect(claims).toMatchObject({ sub: "u1", sid: "s1", iat: T0 / 1000, exp: T0 / 1000 + 900 });
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const header = JSON.parse(Buffer.from(issued.token.split(".")[0] ?? "", "base64url").toString());
    expect(header).toEqual({ alg: "HS256", typ: "at+jwt" });
  });

  it("carries amr, auth_time and the acr derived from amr; a token without them (issued before step-up) stays valid", async () => {
    const proof = { amr: ["pwd", "otp", "mfa"] as const, authTime: new Date(T0 - 60_000) };
    const claims = await tokens().verify((await tokens().issue({ ...subject, proof })).token);
    expect(claims).toMatchObject({ amr: ["pwd", "otp", "mfa"], auth_time: T0 / 1000 - 60, acr: "two-factor" });
    const older = await tokens().verify((await tokens().issue(subject)).token);
    expect(older.amr).toBeUndefined();
    expect(older.acr).toBeUndefined();
    expect(older.auth_time).toBeUndefined();
  });

  it("expires after the ttl and is not valid before it is issued", async () => {
    const { token } = await tokens().issue(subject);
    expect(await codeOf(tokens({ now: () => T0 + 900_000 + 1000 }).verify(token))).toBe("TOKEN_EXPIRED");
    const future = await tokens({ now: () => T0 + 3600_000 }).issue(subject);
    expect(await codeOf(tokens().verify(future.token))).toBe("TOKEN_INVALID");
  });

  it("refuses alg none", async () => {
    const unsecured = withClaims(new UnsecuredJWT({ sid: "s1" })).encode();
    expect(await codeOf(tokens().verify(unsecured))).toBe("TOKEN_INVALID");
  });

  it("refuses a tampered payload and a wrong key", async () => {
    const { token } = await tokens().issue(subject);
    const [h, , s] = token.split(".");
    const forged = base64url.encode(
      JSON.stringify({
        sub: "admin",
        sid: "s1",
        jti: "x",
        iat: T0 / 1000,
        exp: T0 / 1000 + 900,
        iss: "https://tollgate.test",
        aud: "tollgate",
      }),
    );
    expect(await codeOf(tokens().verify(`${h}.${forged}.${s}`))).toBe("TOKEN_INVALID");
    const stranger = await createKeyring("x".repeat(32));
    const foreign = await tokens({ keyring: stranger }).issue(subject);
    expect(await codeOf(tokens().verify(foreign.token))).toBe("TOKEN_INVALID");
  });

  it("accepts a token signed with a listed previous secret, and nothing once it is dropped", async () => {
    const old = await tokens({ keyring: oldKeyring }).issue(subject);
    expect((await tokens().verify(old.token)).sub).toBe("u1");
    const withoutOld = await createKeyring(SECRET);
    expect(await codeOf(tokens({ keyring: withoutOld }).verify(old.token))).toBe("TOKEN_INVALID");
  });

  it("refuses another typ, issuer or audience", async () => {
    const key = keyring.current.accessToken;
    const jwt = (typ: string) =>
      withClaims(new SignJWT({ sid: "s1" }).setProtectedHeader({ alg: "HS256", typ })).sign(key);
    expect(await codeOf(tokens().verify(await jwt("JWT")))).toBe("TOKEN_INVALID");
    const issued = await tokens().issue(subject);
    expect(await codeOf(tokens({ issuer: "https://other.test" }).verify(issued.token))).toBe("TOKEN_INVALID");
    expect(await codeOf(tokens({ audience: "other" }).verify(issued.token))).toBe("TOKEN_INVALID");
  });

  it("refuses a token missing sid", async () => {
    const token = await withClaims(new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "at+jwt" })).sign(
      keyring.current.accessToken,
    );
    expect(await codeOf(tokens().verify(token))).toBe("TOKEN_INVALID");
  });

  it("refuses CSRF tokens, refresh-shaped strings, empty, truncated and oversized input", async () => {
    const csrf = createCsrfTokens(keyring).issue("s1");
    const { token } = await tokens().issue(subject);
    expect(await codeOf(tokens().verify(csrf))).toBe("TOKEN_INVALID");
    expect(await codeOf(tokens().verify("abc.def"))).toBe("TOKEN_INVALID");
    expect(await codeOf(tokens().verify(token.slice(0, -5)))).toBe("TOKEN_INVALID");
    expect(await codeOf(tokens().verify(""))).toBe("TOKEN_MISSING");
    expect(await codeOf(tokens().verify(`${token}${"A".repeat(5000)}`))).toBe("TOKEN_INVALID");
  });

  it("answers a repeated token from its cache, and still refuses it once expired", async () => {
    let t = T0;
    const cached = tokens({ now: () => t });
    const { token } = await cached.issue(subject);
    const first = await cached.verify(token);
    expect(await cached.verify(token)).toBe(first);
    t = T0 + 900_000;
    expect(await codeOf(cached.verify(token))).toBe("TOKEN_EXPIRED");
    // A tampered copy is not a cache hit.
    expect(await codeOf(cached.verify(`${token.slice(0, -2)}AA`))).toBe("TOKEN_INVALID");
  });

  it("rejects bad options with a TypeError", () => {
    expect(() => createAccessTokens({ keyring, issuer: "i", audience: "a", ttl: 0 })).toThrow(TypeError);
    expect(() => createAccessTokens({ keyring, issuer: "", audience: "a", ttl: 10 })).toThrow(TypeError);
  });
});

describe("keyring", () => {
  it("refuses secrets under 32 bytes", async () => {
    await expect(createKeyring("short")).rejects.toThrow(TypeError);
    await expect(createKeyring(SECRET, ["short"])).rejects.toThrow(/previousSecrets\[0\]/);
  });
});
