import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/** A POST with exactly these headers (Host included), over node:http. */
function rawPost(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; setCookie: string[] | undefined }> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers["set-cookie"] }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

// What the security review found at the HTTP surface, one regression test each.
describe("request hardening", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { config: { trustProxy: true } });
    await server.createUser("hana", "hana password");
  });
  afterAll(() => server?.close());

  it("refuses a POST that is not JSON before any procedure runs (415), e.g. a text/plain sign-in", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await new TestBrowser(server.url).request("POST", "/trpc/auth.login", '{"username":"hana"}', {
        headers: { "content-type": type },
      });
      expect(res.status).toBe(415);
      expect(res.setCookies).toEqual([]);
    }
  });

  it("does not take a rebound Host header as its own origin (DNS rebinding) without PUBLIC_ORIGIN", async () => {
    const port = new URL(server.url).port;
    // What a rebinding page sends: its own name as Host and as Origin (fetch cannot set Host, node:http can).
    const res = await rawPost(
      server.url,
      "/trpc/auth.login",
      JSON.stringify({ username: "hana", password: "hana password" }),
      {
        host: `rebound.example:${port}`,
        origin: `http://rebound.example:${port}`,
      },
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain('"authCode":"ORIGIN"');
    expect(res.setCookie).toBeUndefined();
  });

  it("still accepts its own loopback origin without PUBLIC_ORIGIN", async () => {
    expect((await new TestBrowser(server.url).login("hana", "hana password")).status).toBe(200);
  });

  it("takes the right-most X-Forwarded-Proto entry, like X-Forwarded-For", async () => {
    const host = new URL(server.url).host;
    // The client wrote "https"; our proxy appended what it saw: "http".
    const spoofed = await new TestBrowser(server.url).mutation(
      "auth.login",
      { username: "hana", password: "hana password" },
      { origin: `https://${host}`, headers: { "x-forwarded-proto": "https, http" } },
    );
    expect(spoofed.status).toBe(403);
    const real = await new TestBrowser(server.url).mutation(
      "auth.login",
      { username: "hana", password: "hana password" },
      { origin: `https://${host}`, headers: { "x-forwarded-proto": "http, https" } },
    );
    expect(real.status).toBe(200);
  });

  it("lets a planted duplicate refresh cookie (cookie tossing) not lock the session out", async () => {
    const victim = new TestBrowser(server.url);
    expect((await victim.login("hana", "hana password")).status).toBe(200);
    const attacker = new TestBrowser(server.url);
    expect((await attacker.login("hana", "hana password")).status).toBe(200);
    const planted = attacker.cookies.get("refresh_token")?.value ?? "";
    const own = victim.cookies.get("refresh_token")?.value ?? "";
    const csrf = victim.cookies.get("csrf_token")?.value ?? "";
    const send = (cookieOrder: string[]) =>
      victim.request("POST", "/trpc/auth.refresh", "", {
        noCookies: true,
        headers: { cookie: [...cookieOrder.map((v) => `refresh_token=${v}`), `csrf_token=${csrf}`].join("; ") },
      });
    // Planted first or last: the victim's own token (bound to its CSRF token) is the one used.
    const first = await send([planted, own]);
    expect(first.status).toBe(200);
    const rotated = victim.cookies.get("refresh_token")?.value ?? "";
    expect(rotated).not.toBe(own);
    expect((await send([rotated, planted])).status).toBe(200);
    // The planted token was never rotated: its own session still works for its owner.
    expect((await attacker.mutation("auth.refresh")).status).toBe(200);
    // More candidates than a browser would ever send: refused.
    expect((await send([planted, planted, planted, planted])).status).toBe(401);
  });
});

describe("token issuer and audience are configurable", () => {
  let a: TestServer;
  let b: { url: string };
  beforeAll(async () => {
    a = await startTestServer("sqlite", { config: { tokenIssuer: "https://auth.a.example", tokenAudience: "app-a" } });
    b = await a.startAnother({ tokenIssuer: "https://auth.a.example", tokenAudience: "app-b" });
    await a.createUser("ines", "ines password");
  });
  afterAll(() => a?.close());

  it("an access token of one audience is refused by a deployment of another, sharing the secret", async () => {
    const browser = new TestBrowser(a.url);
    expect((await browser.login("ines", "ines password")).status).toBe(200);
    expect((await browser.query("user.me")).status).toBe(200);
    const token = browser.cookies.get("access_token")?.value ?? "";
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      string
    >;
    expect(payload.iss).toBe("https://auth.a.example");
    expect(payload.aud).toBe("app-a");
    const other = await new TestBrowser(b.url).query("user.me", undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(other.status).toBe(401);
    expect(errorOf(other).data.authCode).toBe("TOKEN_INVALID");
  });
});

describe("password hashing queue", () => {
  let server: TestServer;
  beforeAll(async () => {
    // One hashing slot (pool 3 − 2) and one waiting place.
    server = await startTestServer("sqlite", { config: { threadPoolSize: 3, passwordHashQueue: 1, trustProxy: true } });
    await server.createUser("ivo", "ivo password");
  });
  afterAll(() => server?.close());

  it("refuses at once with 503 and Retry-After when full, and gives the attempt back", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        new TestBrowser(server.url).mutation(
          "auth.login",
          { username: `nobody-${randomBytes(3).toString("hex")}`, password: "x" },
          { headers: { "x-forwarded-for": `203.0.113.${i + 1}` } },
        ),
      ),
    );
    const full = results.filter((r) => r.status === 503);
    expect(full.length).toBeGreaterThan(0);
    for (const res of full) {
      expect(errorOf(res).data.authCode).toBe("HASH_QUEUE_FULL");
      expect(res.headers.get("retry-after")).toBe("1");
    }
    expect(results.filter((r) => r.status !== 503).every((r) => r.status === 401)).toBe(true);
    // The queue drains; a real sign-in then works.
    expect((await new TestBrowser(server.url).login("ivo", "ivo password")).status).toBe(200);
  });
});
