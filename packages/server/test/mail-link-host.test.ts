import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTollgate } from "../src/tollgate.js";
import { type Mailbox, startMailbox, startTestServer, type TestServer, testConfig } from "./support/index.js";

/** A raw request, so the Host header is exactly what an attacker writes (fetch would not send it). */
function post(url: string, path: string, host: string, body: unknown): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: { host, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

describe("links in mails come from a validated, parsed Host (no PUBLIC_ORIGIN)", () => {
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer("sqlite", { config: { smtpUrl: smtp.url }, app: { mailRetry: { pollMs: 100 } } });
    const id = await server.createUser("linked", "linked's passphrase");
    await server.app.services.users.attachEmail(id, "linked@example.org");
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  it("a Host that is not host[:port] is refused with 400 before any procedure runs, and no mail is queued", async () => {
    for (const host of ["localhost\\@evil.example", "localhost@evil.example", "localhost/evil", "evil.example x"]) {
      const res = await post(server.url, "/trpc/auth.requestPasswordReset", host, { email: "linked@example.org" });
      expect({ host, status: res.status }).toEqual({ host, status: 400 });
      expect(res.text).toMatch(/Host header/);
    }
    await server.app.services.mailer.settle();
    expect(await server.database.db.selectFrom("mail_outbox").select("id").execute()).toEqual([]);
  });

  it("a valid loopback Host yields the parsed origin in the link", async () => {
    const { port } = new URL(server.url);
    const res = await post(server.url, "/trpc/auth.requestPasswordReset", `LOCALHOST:${port}`, {
      email: "linked@example.org",
    });
    expect(res.status).toBe(200);
    const mail = await smtp.waitFor("linked@example.org", /Reset your password/);
    expect(mail.link).toMatch(new RegExp(`^http://localhost:${port}/reset-password\\?token=[\\w-]{43}$`));
  });

  it("the Fetch handler refuses such a Host too", async () => {
    const tollgate = await createTollgate({ config: testConfig({ smtpUrl: smtp.url }), database: server.database });
    try {
      const handle = tollgate.fetchHandler(tollgate.router);
      const res = await handle(
        new Request("http://localhost/trpc/auth.requestPasswordReset", {
          method: "POST",
          headers: { host: "localhost\\@evil.example", "content-type": "application/json" },
          body: JSON.stringify({ email: "linked@example.org" }),
        }),
        { clientAddress: "127.0.0.1" },
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/Host header/);
    } finally {
      await tollgate.close();
    }
  });
});
