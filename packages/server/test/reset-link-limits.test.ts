import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceFirstRunSetup } from "../src/first-run.js";
import { backends, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

/**
 * Reset tokens carry 256 bits: guesses are limited per client network only.
 * A key shared by every user would let a few junk tokens keep every
 * victim's valid link refused.
 */
describe.each(backends())("reset-link guesses limited per network on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { loginMaxFailures: 3, loginWindow: 600, trustProxy: true } });
  });
  afterAll(() => server?.close());

  const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
  const junk = () => randomBytes(32).toString("base64url");
  const reset = (token: string, ip: string) =>
    new TestBrowser(server.url).mutation(
      "auth.resetPassword",
      { token, newPassword: "a brand new passphrase" },
      from(ip),
    );

  async function validLink(username: string): Promise<string> {
    const id = await server.createUser(username, `${username}'s old passphrase`);
    return server.app.services.tokens.issue(id, "password_reset", null);
  }

  it("keeps a victim's valid link working after junk tokens from several networks", async () => {
    const token = await validLink("victor");
    for (let network = 0; network < 5; network++) {
      for (let i = 0; i < 2; i++) {
        const res = await reset(junk(), `203.0.113.${network}`);
        expect(errorOf(res).data.authCode).toBe("LINK_INVALID");
      }
    }
    const res = await reset(token, "198.51.100.20");
    expect(res.status).toBe(200);
    expect((await new TestBrowser(server.url).login("victor", "a brand new passphrase")).status).toBe(200);
  });

  it("still limits each network's guesses", async () => {
    const token = await validLink("wendy");
    for (let i = 0; i < 3; i++) expect(errorOf(await reset(junk(), "203.0.113.50")).data.authCode).toBe("LINK_INVALID");
    const refused = await reset(token, "203.0.113.50");
    expect(refused.status).toBe(429);
    expect(errorOf(refused).data.authCode).toBe("RATE_LIMITED");
    // The link itself was not used up: from another network it works.
    expect((await reset(token, "198.51.100.21")).status).toBe(200);
  });
});

describe.each(backends())("first-run setup-link guesses limited per network on %s", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { config: { loginMaxFailures: 3, loginWindow: 600, trustProxy: true } });
  });
  afterAll(() => server?.close());

  const setup = (token: string, ip: string) =>
    new TestBrowser(server.url).mutation(
      "auth.setup",
      { token, username: "admin", password: "the admin's passphrase" },
      { headers: { "x-forwarded-for": ip } },
    );

  it("keeps the operator's setup link working after junk tokens from several networks", async () => {
    const link = await announceFirstRunSetup({ ...server.app.services, logger: pino({ level: "silent" }) }, server.url);
    const token = new URL(link ?? "").searchParams.get("token") ?? "";
    for (let network = 0; network < 5; network++) {
      for (let i = 0; i < 2; i++) {
        const res = await setup(randomBytes(32).toString("base64url"), `203.0.113.${network}`);
        expect(errorOf(res).data.authCode).toBe("LINK_INVALID");
      }
    }
    expect((await setup(token, "198.51.100.30")).status).toBe(200);
  });
});
