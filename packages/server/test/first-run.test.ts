import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceFirstRunSetup } from "../src/first-run.js";
import { backends, data, errorOf, startTestServer, TestBrowser, type TestServer } from "./support/index.js";

describe.each(backends())("first run: the one-time setup link on %s", (backend) => {
  let server: TestServer;
  const lines: string[] = [];
  const logger = pino(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server?.close());

  const announce = () => announceFirstRunSetup({ ...server.app.services, logger }, server.url);
  const tokenOf = (link: string | undefined) => new URL(link ?? "").searchParams.get("token") ?? "";
  const setup = (token: string, password = "the admin's passphrase") =>
    new TestBrowser(server.url).mutation("auth.setup", { token, username: "admin", password });

  it("prints a link while no user exists; a newer one voids the older", async () => {
    const first = await announce();
    expect(first).toMatch(new RegExp(`^${server.url}/setup\\?token=[\\w-]{43}$`));
    expect(lines.filter((line) => line.includes(first ?? "-"))).toHaveLength(1);
    const second = await announce();
    expect(errorOf(await setup(tokenOf(first))).data.authCode).toBe("LINK_INVALID");
    const weak = await setup(tokenOf(second), "admin");
    expect(errorOf(weak).data.authCode).toBe("PASSWORD_POLICY");

    const browser = new TestBrowser(server.url);
    const made = await browser.mutation("auth.setup", {
      token: tokenOf(second),
      username: "admin",
      password: "the admin's passphrase",
    });
    expect(made.status).toBe(200);
    expect(data<{ user: { username: string } }>(made).user.username).toBe("admin");
    expect((await browser.query("user.me")).status).toBe(200);
    // Whoever holds the start log's link runs the server: the first account administers it.
    expect((await browser.query("admin.users.list")).status).toBe(200);

    // Single use, and never once a user exists.
    expect(errorOf(await setup(tokenOf(second))).data.authCode).toBe("LINK_INVALID");
    expect(await announce()).toBeUndefined();
  });

  it("refuses an expired or made-up token, and a setup inside a batch", async () => {
    expect(errorOf(await setup("A".repeat(43))).data.authCode).toBe("LINK_INVALID");
    const batch = await fetch(`${server.url}/trpc/auth.setup,auth.setup?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(batch.status).toBe(400);
  });
});
