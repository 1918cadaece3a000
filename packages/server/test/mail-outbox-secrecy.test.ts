import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMailBodyWrap } from "@tollgate/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../src/db/sqlite.js";
import {
  backends,
  type Mailbox,
  startMailbox,
  startTestServer,
  TestBrowser,
  type TestServer,
} from "./support/index.js";

/** Live links must not sit readable in the database (a backup, a replica). */
describe.each(backends())("the mail outbox keeps no readable link on %s", (backend) => {
  let smtp: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailbox();
    server = await startTestServer(backend, {
      config: { smtpUrl: smtp.url },
      app: { mailRetry: { pollMs: 100, backoffMs: 100, maxBackoffMs: 200 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.stop();
  });

  const rawRows = () => server.database.db.selectFrom("mail_outbox").selectAll().execute();

  it("a queued mail's subject and bodies are sealed, and deleted once it is sent; no token or link is ever stored in clear", async () => {
    const id = await server.createUser("sealed", "sealed's passphrase");
    await server.app.services.users.attachEmail(id, "sealed@example.org");
    await smtp.stop();
    await new TestBrowser(server.url).mutation("auth.requestPasswordReset", { email: "sealed@example.org" });
    await server.app.services.mailer.settle();
    const queued = JSON.stringify(await rawRows());
    expect(queued).toContain("sealed@example.org");
    expect(queued).not.toContain("reset-password");
    expect(queued).not.toContain("Reset your password");
    await smtp.start();
    const mail = await smtp.waitFor("sealed@example.org", /Reset your password/);
    const token = new URL(mail.link ?? "").searchParams.get("token") ?? "";
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(queued).not.toContain(token);
    await expect
      .poll(async () => (await rawRows()).filter((row) => row.sent_at !== null).length, { timeout: 5000 })
      .toBe(1);
    const [sent] = await rawRows();
    expect(sent).toMatchObject({ recipient: "sealed@example.org", subject: "", text_body: "", html_body: "" });
    expect(JSON.stringify(await rawRows())).not.toContain(token);
  });
});

describe("sealed mail bodies and the SQLite files", () => {
  it("a body sealed under a previous AUTH_SECRET still opens; one sealed for another recipient does not", async () => {
    const old = "o".repeat(32);
    const current = "c".repeat(32);
    const body = { subject: "s", text: "https://example.org/reset-password?token=x", html: "<p>x</p>" };
    const sealed = await createMailBodyWrap(old).seal("a@example.org", body);
    expect(sealed).not.toContain("reset-password");
    await expect(createMailBodyWrap(current, [old]).open("a@example.org", sealed)).resolves.toEqual(body);
    await expect(createMailBodyWrap(current).open("a@example.org", sealed)).rejects.toThrow(/cannot be decrypted/);
    await expect(createMailBodyWrap(current, [old]).open("b@example.org", sealed)).rejects.toThrow(/another recipient/);
  });

  it("creates the database, -wal and -shm files readable by the owner only (0600)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-mode-"));
    const database = openSqlite(dir);
    try {
      database.exec("create table t (x integer); insert into t values (1)");
      for (const name of ["tollgate.db", "tollgate.db-wal", "tollgate.db-shm"]) {
        expect({ name, mode: statSync(join(dir, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
      }
    } finally {
      database.close();
    }
  });
});
