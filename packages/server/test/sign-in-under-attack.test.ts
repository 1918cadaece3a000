import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createClock,
  errorOf,
  startTestServer,
  TestBrowser,
  type TestClock,
  type TestServer,
} from "./support/index.js";

/**
 * An attacker guessing one account's password from many networks sets off
 * the account-wide progressive delay; the owner, from a browser that signed
 * in before (its known-device cookie), must still sign in every time.
 */
const MAX_FAILURES = 3;
const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
const login = (browser: TestBrowser, username: string, password: string, ip: string) =>
  browser.mutation("auth.login", { username, password }, from(ip));

/** A fresh IPv4 address in 10.0.0.0/8 (Redis keeps counts between runs: every run its own networks). */
const randomIp = () => `10.${[...randomBytes(3)].join(".")}`;

async function underAttack(options: {
  urls: readonly string[];
  username: string;
  password: string;
  ownerIp: string;
  clock: TestClock;
}) {
  const { urls, username, password, ownerIp, clock } = options;
  const at = (i: number) => urls[i % urls.length] ?? "";
  // The owner signed in from this browser some day before, and signed out.
  const owner = new TestBrowser(at(0));
  expect((await login(owner, username, password, ownerIp)).status).toBe(200);
  expect((await owner.mutation("auth.logout", undefined, from(ownerIp))).status).toBe(200);
  expect(owner.cookies.has("known_device")).toBe(true);

  const statuses: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 4; i++) {
      const guess = await login(new TestBrowser(at(round + i)), username, `guess ${round}.${i}`, randomIp());
      statuses.push(guess.status);
    }
    // The owner, sending the right password once a second from their own address, on either instance.
    const device = new TestBrowser(at(round));
    for (const [name, cookie] of owner.cookies) if (name === "known_device") device.cookies.set(name, cookie);
    const res = await login(device, username, password, ownerIp);
    expect(res.status, `round ${round}: ${JSON.stringify(res.body)}`).toBe(200);
    clock.advance(1);
  }
  // The attacker is slowed all along: most of the 80 guesses were refused, not checked.
  expect(statuses.filter((s) => s === 401).length).toBeLessThan(20);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(60);
  return owner;
}

describe.each(backends())("the owner's known device passes the account-wide delay on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  beforeAll(async () => {
    clock = createClock();
    server = await startTestServer(backend, {
      clock,
      config: { loginMaxFailures: MAX_FAILURES, loginWindow: 600, trustProxy: true },
    });
  });
  afterAll(() => server?.close());

  it("signs the owner in every time from their device while an attacker guesses from many networks", async () => {
    await server.createUser("olga", "olga's passphrase");
    await underAttack({
      urls: [server.url],
      username: "olga",
      password: "olga's passphrase",
      ownerIp: "198.51.100.7",
      clock,
    });
  });

  it("sets a signed, long-lived, HttpOnly device cookie at sign-in, and keeps it at sign-out", async () => {
    await server.createUser("pia", "pia's passphrase");
    const browser = new TestBrowser(server.url);
    const res = await login(browser, "pia", "pia's passphrase", "198.51.100.8");
    const line = res.setCookies.find((l) => l.startsWith("known_device="));
    expect(line).toMatch(
      /^known_device=[\w-]{22}\.[\w-]+\.[\w-]{43}; Path=\/trpc; Max-Age=31536000; HttpOnly; SameSite=Lax$/,
    );
    const first = browser.cookies.get("known_device")?.value;
    const logout = await browser.mutation("auth.logout", undefined, from("198.51.100.8"));
    expect(logout.setCookies.some((l) => l.startsWith("known_device="))).toBe(false);
    // Signing in again from the same browser keeps the same device id.
    await login(browser, "pia", "pia's passphrase", "198.51.100.8");
    expect(browser.cookies.get("known_device")?.value.split(".")[0]).toBe(first?.split(".")[0]);
  });

  it("treats a new, tampered or foreign device cookie as an unknown device under attack (the documented trade-off)", async () => {
    await server.createUser("quinn", "quinn's passphrase");
    await server.createUser("mallory", "mallory's passphrase");
    // The attacker has a valid device cookie of their own account.
    const attacker = new TestBrowser(server.url);
    expect((await login(attacker, "mallory", "mallory's passphrase", "203.0.113.250")).status).toBe(200);
    for (let i = 0; i < 2 * MAX_FAILURES; i++) {
      expect((await login(new TestBrowser(server.url), "quinn", "guess", `203.0.113.${i}`)).status).toBe(401);
    }
    // Foreign: mallory's cookie does not pass quinn's delay.
    const foreign = await login(attacker, "quinn", "guess", "203.0.113.251");
    expect(errorOf(foreign).data.authCode).toBe("RATE_LIMITED");
    // Tampered: quinn's user id under mallory's signature.
    const quinnId = (await server.app.services.users.findByUsername("quinn"))?.id ?? "";
    const [deviceId, , signature] = (attacker.cookies.get("known_device")?.value ?? "").split(".");
    const tampered = new TestBrowser(server.url);
    tampered.cookies.set("known_device", {
      value: `${deviceId}.${quinnId}.${signature}`,
      path: "/trpc",
      attributes: [],
    });
    expect(errorOf(await login(tampered, "quinn", "guess", "203.0.113.252")).data.authCode).toBe("RATE_LIMITED");
    // The owner from a new device waits out the delay like anyone else.
    const newDevice = await login(new TestBrowser(server.url), "quinn", "quinn's passphrase", "198.51.100.9");
    expect(newDevice.status).toBe(429);
    expect(Number(newDevice.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("still knows the owner's device when junk known_device cookies were tossed in front of it (a sibling subdomain)", async () => {
    await server.createUser("tessa", "tessa's passphrase");
    const owner = new TestBrowser(server.url);
    expect((await login(owner, "tessa", "tessa's passphrase", "198.51.100.9")).status).toBe(200);
    const real = owner.cookies.get("known_device")?.value ?? "";
    // Guesses from many networks hold the account-wide delay.
    for (let i = 0; i < 12; i++) await login(new TestBrowser(server.url), "tessa", `guess ${i}`, randomIp());
    const junk = Array.from({ length: 8 }, (_, i) => `known_device=${randomBytes(16).toString("base64url")}.x${i}.y`);
    const res = await new TestBrowser(server.url).mutation(
      "auth.login",
      { username: "tessa", password: "tessa's passphrase" },
      {
        noCookies: true,
        headers: { cookie: [...junk, `known_device=${real}`].join("; "), "x-forwarded-for": "198.51.100.9" },
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("names the cookie __Secure-known_device with Secure when COOKIE_SECURE is on", async () => {
    await server.createUser("rosa", "rosa's passphrase");
    const secure = await server.startAnother({ cookieSecure: true });
    const res = await login(new TestBrowser(secure.url), "rosa", "rosa's passphrase", "198.51.100.10");
    expect(res.status).toBe(200);
    expect(res.setCookies.find((l) => l.includes("known_device="))).toMatch(
      /^__Secure-known_device=[^;]+; Path=\/trpc; Max-Age=31536000; HttpOnly; Secure; SameSite=Lax$/,
    );
  });
});

// Shared limits need a shared store: runs when TEST_REDIS_URL is set (CI sets it).
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)(
  "the owner's known device passes the account-wide delay through Redis across two instances",
  () => {
    let server: TestServer;
    let clock: TestClock;
    let second: string;
    beforeAll(async () => {
      clock = createClock();
      server = await startTestServer(backends().at(-1) ?? "sqlite", {
        clock,
        config: { loginMaxFailures: MAX_FAILURES, loginWindow: 600, trustProxy: true, redisUrl },
      });
      second = (await server.startAnother()).url;
    });
    afterAll(() => server?.close());

    it("signs the owner in every time on either instance while an attacker guesses on both from many networks", async () => {
      const username = `olga-${randomBytes(4).toString("hex")}`;
      await server.createUser(username, "olga's passphrase");
      await underAttack({
        urls: [server.url, second],
        username,
        password: "olga's passphrase",
        ownerIp: randomIp(),
        clock,
      });
    });
  },
);
