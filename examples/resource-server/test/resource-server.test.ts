import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  createClock,
  data,
  type JarClient,
  startTollgate,
  type TestClock,
  type TollgateTestServer,
} from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

/** This example as an operator runs it: its own process, configured by environment only. */
function startResourceServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=tollgate-source", "--import", "tsx", "src/main.ts"], {
      cwd: exampleDir,
      env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`resource server exited with ${code}: ${out}`)));
  });
}

describe("example resource server, verifying a real Tollgate server's tokens from its JWKS", () => {
  let tollgate: TollgateTestServer;
  let clock: TestClock;
  let resource: { child: ChildProcess; url: string };
  let userId: string;
  let expired: string;
  let valid: { browser: JarClient; token: string };
  const HOUR = 3600;

  beforeAll(async () => {
    // Tollgate's clock starts two hours back: tokens signed then are long expired for the resource server.
    clock = createClock(Date.now() - 2 * HOUR * 1000);
    tollgate = await startTollgate({ clock, config: { accessTokenAlg: "EdDSA" } });
    userId = (await tollgate.createUser({ username: "hana", password: "hana password" })).id;
    resource = await startResourceServer({ TOLLGATE_JWKS_URL: `${tollgate.url}/.well-known/jwks.json` });
    expired = (await signIn()).token;
    clock.advance(2 * HOUR);
    valid = await signIn();
  });
  afterAll(async () => {
    resource?.child.kill("SIGTERM");
    await tollgate?.close();
  });

  /** Signs in to Tollgate over HTTP, as any client does; the access token comes in its cookie. */
  async function signIn(): Promise<{ browser: JarClient; token: string }> {
    const browser = tollgate.client();
    const res = await browser.login("hana", "hana password");
    expect(data<{ user: { id: string } }>(res).user.id).toBe(userId);
    return { browser, token: browser.cookie("access_token") ?? "" };
  }

  function hello(authorization?: string) {
    return fetch(`${resource.url}/api/hello`, { headers: authorization ? { authorization } : {} });
  }

  it("answers 200 with the user id and how they signed in (acr, amr, auth_time) for a valid token", async () => {
    const res = await hello(`Bearer ${valid.token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      hello: userId,
      acr: "password",
      amr: ["pwd"],
      authTime: Math.floor(clock.now() / 1000),
    });
  });

  it("takes the access cookie a sibling service on the same site receives (COOKIE_DOMAIN), plain or __Secure-", async () => {
    for (const name of ["access_token", "__Secure-access_token"]) {
      const res = await fetch(`${resource.url}/api/hello`, {
        headers: { cookie: `theme=dark; ${name}=${valid.token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ hello: userId });
    }
    const tampered = await fetch(`${resource.url}/api/hello`, { headers: { cookie: `access_token=${expired}` } });
    expect(tampered.status).toBe(401);
    // __Host- cookies are host-only: a sibling never receives one, so it is not taken.
    const hostOnly = await fetch(`${resource.url}/api/hello`, {
      headers: { cookie: `__Host-access_token=${valid.token}` },
    });
    expect(hostOnly.status).toBe(401);
  });

  it("answers 401 without a token, or with another scheme", async () => {
    for (const header of [undefined, `Basic ${Buffer.from("hana:hana password").toString("base64")}`, "Bearer"]) {
      const res = await hello(header);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({ error: "TOKEN_MISSING" });
    }
  });

  it("answers 401 invalid_token for a tampered token", async () => {
    const [header, payload, signature] = valid.token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url");
    for (const token of [`${header}.${forged}.${signature}`, `${valid.token.slice(0, -4)}AAAA`]) {
      const res = await hello(`Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      expect(await res.json()).toEqual({ error: "TOKEN_INVALID" });
    }
  });

  it("answers 401 for an expired token", async () => {
    const res = await hello(`Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "TOKEN_EXPIRED" });
  });

  it("still accepts a token whose session Tollgate ended, until it expires: what a resource server cannot know", async () => {
    const { browser, token } = await signIn();
    expect((await browser.mutation("auth.logout")).status).toBe(200);
    expect((await hello(`Bearer ${token}`)).status).toBe(200);
  });
});
