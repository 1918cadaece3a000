import { createKeyring } from "@tollgate/auth/testing";
import { generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { backends, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/** The contract's default iss and aud (TOKEN_ISSUER / TOKEN_AUDIENCE unset). */
const TOKEN_ISSUER = "tollgate";
const TOKEN_AUDIENCE = "tollgate";

// RFC 8725 attacks against the access token, through the real HTTP surface.
describe.each(backends())("access-token attack matrix on %s", (backend) => {
  let server: TestServer;
  let userId: string;
  let sessionId: string;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { authSecretPrevious: [] } });
    userId = await server.createUser("oscar", "oscar password");
    const browser = new TestBrowser(server.url);
    await browser.login("oscar", "oscar password");
    const token = browser.cookies.get("access_token")?.value as string;
    sessionId = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString()).sid;
  });
  afterAll(() => server?.close());

  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({ sid: sessionId });

  async function serverKey() {
    return (await createKeyring(server.app.services.config.authSecret)).current.accessToken;
  }

  function base(header: Record<string, unknown> & { alg: string }) {
    return new SignJWT(claims())
      .setProtectedHeader(header)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(userId)
      .setJti("j")
      .setIssuedAt(now())
      .setExpirationTime(now() + 300);
  }

  async function status(token: string): Promise<{ status: number; authCode: string | undefined }> {
    const res = await new TestBrowser(server.url).query("user.me", undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, authCode: res.status === 200 ? undefined : errorOf(res).data.authCode };
  }

  it("accepts a correctly made token (the control case)", async () => {
    expect((await status(await base({ alg: "HS256", typ: "at+jwt" }).sign(await serverKey()))).status).toBe(200);
  });

  it("refuses alg none", async () => {
    const token = new UnsecuredJWT(claims())
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime("5m")
      .encode();
    expect((await status(token)).status).toBe(401);
  });

  it.each(["RS256", "ES256", "EdDSA"] as const)(
    "refuses %s (asymmetric) tokens: no algorithm confusion",
    async (alg) => {
      const { privateKey } = await generateKeyPair(alg);
      expect((await status(await base({ alg, typ: "at+jwt" }).sign(privateKey))).status).toBe(401);
    },
  );

  it("refuses HS384/HS512 even with a key of the right bytes", async () => {
    const { webcrypto } = await import("node:crypto");
    const raw = await webcrypto.subtle.exportKey(
      "raw",
      await webcrypto.subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign"]),
    );
    expect((await status(await base({ alg: "HS512", typ: "at+jwt" }).sign(new Uint8Array(raw)))).status).toBe(401);
  });

  it("ignores kid, jku, jwk and x5u headers: only the server's own key verifies", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const { exportJWK } = await import("jose");
    const jwk = await exportJWK(publicKey);
    const attacker = await base({
      alg: "ES256",
      typ: "at+jwt",
      jwk,
      jku: "https://evil.example/jwks",
      kid: "evil",
      x5u: "https://evil.example/x5u",
    }).sign(privateKey);
    expect((await status(attacker)).status).toBe(401);
    // Our own key with a stray kid/jku still verifies by our key alone.
    const ours = await base({ alg: "HS256", typ: "at+jwt", kid: "whatever", jku: "https://evil.example/jwks" }).sign(
      await serverKey(),
    );
    expect((await status(ours)).status).toBe(200);
  });

  it.each([
    ["typ JWT", { typ: "JWT" }],
    ["no typ", {}],
    ["typ refresh", { typ: "refresh+jwt" }],
  ])("refuses a typ swap (%s)", async (_label, typ) => {
    expect((await status(await base({ alg: "HS256", ...typ }).sign(await serverKey()))).status).toBe(401);
  });

  it("refuses a wrong issuer or audience", async () => {
    const key = await serverKey();
    const wrongIss = await base({ alg: "HS256", typ: "at+jwt" }).setIssuer("someone-else").sign(key);
    const wrongAud = await base({ alg: "HS256", typ: "at+jwt" }).setAudience("another-api").sign(key);
    expect((await status(wrongIss)).status).toBe(401);
    expect((await status(wrongAud)).status).toBe(401);
  });

  it("refuses expired, not-yet-valid and future-issued tokens", async () => {
    const key = await serverKey();
    const expired = await base({ alg: "HS256", typ: "at+jwt" })
      .setIssuedAt(now() - 1000)
      .setExpirationTime(now() - 100)
      .sign(key);
    const notYet = await base({ alg: "HS256", typ: "at+jwt" })
      .setNotBefore(now() + 600)
      .sign(key);
    const future = await base({ alg: "HS256", typ: "at+jwt" })
      .setIssuedAt(now() + 600)
      .setExpirationTime(now() + 1200)
      .sign(key);
    expect(await status(expired)).toEqual({ status: 401, authCode: "TOKEN_EXPIRED" });
    expect((await status(notYet)).status).toBe(401);
    expect((await status(future)).status).toBe(401);
  });

  it("refuses a token signed with a retired secret no longer listed", async () => {
    const retired = await createKeyring("a retired secret that is long enough!!");
    const token = await base({ alg: "HS256", typ: "at+jwt" }).sign(retired.current.accessToken);
    expect((await status(token)).status).toBe(401);
  });

  it("refuses a raw-secret HS256 token: keys are derived, never the secret itself", async () => {
    const raw = new TextEncoder().encode(server.app.services.config.authSecret);
    expect((await status(await base({ alg: "HS256", typ: "at+jwt" }).sign(raw))).status).toBe(401);
  });
});
