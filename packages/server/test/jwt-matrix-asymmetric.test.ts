import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rotateSigningKeys, type StoredSigningKey } from "@tollgate/auth";
import { createKeyring } from "@tollgate/auth/testing";
import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedSigningKeyStore } from "../src/signing-keys.js";
import {
  accessTokenOf,
  backends,
  createClock,
  errorOf,
  jwtClaims,
  signWithStoredKey,
  startTestServer,
  storedSigningKeys,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

const TTL = 900;

// RFC 8725 attacks against EdDSA access tokens, through the real HTTP surface.
describe.each(backends())("asymmetric (EdDSA) access-token attack matrix on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  let userId: string;
  let sessionId: string;
  let ours: StoredSigningKey;
  /** An attacker's web server: serves their JWKS and counts every request. */
  let evil: Server;
  let evilUrl: string;
  let evilRequests = 0;
  let attacker: { privateKey: CryptoKey; jwk: Record<string, unknown>; kid: string };

  beforeAll(async () => {
    clock = createClock();
    server = await startTestServer(backend, { clock, config: { accessTokenAlg: "EdDSA", accessTokenTtl: TTL } });
    userId = await server.createUser("oscar", "oscar password");
    const browser = new TestBrowser(server.url);
    await browser.login("oscar", "oscar password");
    sessionId = jwtClaims(accessTokenOf(browser)).sid as string;
    [ours] = (await storedSigningKeys(server)) as [StoredSigningKey];

    const pair = await generateKeyPair("EdDSA", { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), alg: "EdDSA", use: "sig" };
    attacker = { privateKey: pair.privateKey, jwk, kid: await calculateJwkThumbprint(jwk) };
    evil = createServer((_req, res) => {
      evilRequests++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [{ ...jwk, kid: attacker.kid }] }));
    });
    await new Promise<void>((done) => evil.listen(0, "127.0.0.1", done));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => evil?.close(done));
    await server?.close();
  });

  const now = () => Math.floor(clock.now() / 1000);

  /** A token with valid claims for oscar's session; sign it however the attack needs. */
  function base(header: Record<string, unknown> & { alg: string }) {
    return new SignJWT({ sid: sessionId })
      .setProtectedHeader(header)
      .setIssuer("tollgate")
      .setAudience("tollgate")
      .setSubject(userId)
      .setJti("j")
      .setIssuedAt(now())
      .setExpirationTime(now() + 300);
  }

  async function status(token: string): Promise<string> {
    const res = await new TestBrowser(server.url).query("user.me", undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    return res.status === 200 ? "200" : `${res.status} ${errorOf(res).data.authCode}`;
  }

  const claims = () => ({ sub: userId, sid: sessionId, iat: now(), exp: now() + 300 });

  it("accepts a token of the server's own key (the control case)", async () => {
    expect(await status(await signWithStoredKey(ours, claims()))).toBe("200");
  });

  it("refuses HS256 signed with the public key's bytes as the HMAC secret (algorithm confusion)", async () => {
    const publicJwk = { kty: "OKP", crv: "Ed25519", x: ours.privateJwk.x, kid: ours.kid, alg: "EdDSA", use: "sig" };
    const spki = await exportSPKI((await importJWK(publicJwk, "EdDSA", { extractable: true })) as CryptoKey);
    const secrets = [
      base64url.decode(String(ours.privateJwk.x)), // the raw 32 public bytes
      new TextEncoder().encode(String(ours.privateJwk.x)), // their base64url text
      new TextEncoder().encode(JSON.stringify(publicJwk)), // the JWK as published
      new TextEncoder().encode(spki), // the PEM a library might load
    ];
    for (const secret of secrets) {
      const token = await base({ alg: "HS256", typ: "at+jwt", kid: ours.kid }).sign(secret);
      expect(await status(token)).toBe("401 TOKEN_INVALID");
    }
  });

  it("refuses HS256 made with the AUTH_SECRET-derived key: no fallback to the symmetric algorithm", async () => {
    const hs = (await createKeyring(server.app.services.config.authSecret)).current.accessToken;
    expect(await status(await base({ alg: "HS256", typ: "at+jwt" }).sign(hs))).toBe("401 TOKEN_INVALID");
  });

  it("refuses alg none, with and without our kid", async () => {
    for (const kid of [undefined, ours.kid]) {
      const unsecured = new UnsecuredJWT({ sid: sessionId })
        .setIssuer("tollgate")
        .setAudience("tollgate")
        .setSubject(userId)
        .setIssuedAt(now())
        .setExpirationTime(now() + 300)
        .encode();
      const [, payload] = unsecured.split(".");
      const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", ...(kid ? { kid } : {}) }));
      expect(await status(`${header}.${payload}.`)).toBe("401 TOKEN_INVALID");
    }
  });

  it.each(["ES256", "RS256", "Ed25519"] as const)("refuses %s tokens: only the configured algorithm", async (alg) => {
    const { privateKey } = await generateKeyPair(alg);
    expect(await status(await base({ alg, typ: "at+jwt", kid: ours.kid }).sign(privateKey))).toBe("401 TOKEN_INVALID");
  });

  it("refuses an unknown kid, a missing kid, and our kid on an attacker's signature", async () => {
    const signWith = async (key: CryptoKey, kid?: string) =>
      base({ alg: "EdDSA", typ: "at+jwt", ...(kid !== undefined ? { kid } : {}) }).sign(key);
    const ourKey = (await importJWK(ours.privateJwk, "EdDSA")) as CryptoKey;
    expect(await status(await signWith(attacker.privateKey, "unknown"))).toBe("401 TOKEN_INVALID");
    expect(await status(await signWith(ourKey, "unknown"))).toBe("401 TOKEN_INVALID");
    expect(await status(await signWith(ourKey))).toBe("401 TOKEN_INVALID");
    expect(await status(await signWith(attacker.privateKey, ours.kid))).toBe("401 TOKEN_INVALID");
  });

  it("ignores jku, x5u and jwk headers: never fetched, never trusted; our own key with them still verifies", async () => {
    const headers = { jku: `${evilUrl}/jwks.json`, x5u: `${evilUrl}/cert.pem`, jwk: attacker.jwk };
    const theirs = await base({ alg: "EdDSA", typ: "at+jwt", kid: attacker.kid, ...headers }).sign(attacker.privateKey);
    expect(await status(theirs)).toBe("401 TOKEN_INVALID");
    expect(await status(await signWithStoredKey(ours, claims(), headers))).toBe("200");
    expect(evilRequests).toBe(0);
  });

  it("refuses a typ swap even with our key", async () => {
    expect(await status(await signWithStoredKey(ours, claims(), { typ: "JWT" }))).toBe("401 TOKEN_INVALID");
  });

  it("accepts a retired key's tokens within its grace and refuses them after it", async () => {
    const store = generatedSigningKeyStore(server.app.services.config, server.database);
    await rotateSigningKeys(store, { now: clock.now(), delaySeconds: 600, ttlSeconds: TTL });
    await server.app.services.auth.signingKeys?.reload();
    clock.advance(600);
    // Now retired: a token of it, made as only its holder could, with a lifetime beyond the grace.
    const long = await signWithStoredKey(ours, { sub: userId, sid: sessionId, iat: now(), exp: now() + 10 * TTL });
    expect(await status(long)).toBe("200");
    clock.advance(TTL + 5);
    expect(await status(long)).toBe("401 TOKEN_INVALID");
    // The server caches verified tokens; the cache does not outlive the key either.
    const browser = new TestBrowser(server.url);
    await browser.login("oscar", "oscar password");
    expect(await status(accessTokenOf(browser))).toBe("200");
  });
});
