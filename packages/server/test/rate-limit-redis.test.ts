import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TestBrowser, type TestServer } from "./support/index.js";

// Shared limits need a shared store: runs when TEST_REDIS_URL is set (CI sets it).
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)("login rate limits shared through Redis", () => {
  let server: TestServer;
  let second: string;
  const username = `frank-${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { config: { loginMaxFailures: 4, loginWindow: 60, redisUrl } });
    await server.createUser(username, "frank password");
    second = (await server.startAnother()).url;
  });
  afterAll(() => server?.close());

  it("holds the limit across two instances", async () => {
    const a = new TestBrowser(server.url);
    const b = new TestBrowser(second);
    expect((await a.login(username, "bad")).status).toBe(401);
    expect((await b.login(username, "bad")).status).toBe(401);
    expect((await a.login(username, "bad")).status).toBe(401);
    expect((await b.login(username, "bad")).status).toBe(401);
    expect((await a.login(username, "frank password")).status).toBe(429);
    const blocked = await b.login(username, "frank password");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
