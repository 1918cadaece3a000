import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../src/app.js";
import type { DatabaseHandle } from "../src/db/client.js";
import { createTestDatabase, TestBrowser, type TestDatabase, testConfig } from "./support/index.js";

describe("mail without SMTP_URL (development): .eml files under DATA_DIR/mail/", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tollgate-mail-"));
  const lines: string[] = [];
  let testDb: TestDatabase;
  let database: DatabaseHandle;
  let app: App;
  let url: string;
  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    database = await testDb.open();
    const logger = pino(
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    app = await createApp({
      config: testConfig({ dataDir }),
      database,
      logger,
      mailRetry: { pollMs: 100 },
    });
    url = await app.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it("writes the reset mail as a file, its text beside it unencoded, and logs the file and the link", async () => {
    const id = (
      await app.services.users.create({
        username: "carla",
        passwordHash: await app.services.auth.passwords.hash("carla's passphrase"),
        email: "carla@example.org",
        emailVerified: true,
      })
    ).id;
    expect(id).toBeTruthy();
    const res = await new TestBrowser(url).mutation("auth.requestPasswordReset", { email: "carla@example.org" });
    expect(res.status).toBe(200);
    const mailDir = join(dataDir, "mail");
    await expect.poll(() => readdirSync(mailDir).filter((name) => name.endsWith(".eml")).length).toBe(1);
    const [file] = readdirSync(mailDir).filter((name) => name.endsWith(".eml"));
    const eml = readFileSync(join(mailDir, file ?? ""), "utf8");
    expect(eml).toMatch(/^To: carla@example\.org$/m);

    // The text beside it: one line holds the whole link, as the mail's reader shows it.
    const text = readFileSync(join(mailDir, (file ?? "").replace(/\.eml$/, ".txt")), "utf8");
    expect(text).toMatch(/^To: carla@example\.org\nSubject: .+\n\n/);
    const link = / (http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=[\w-]{43})$/m.exec(text)?.[1];
    expect(link).toBeDefined();

    // Development only (NODE_ENV=production requires SMTP_URL): the log names the file and the link.
    const written = lines.filter((line) => line.includes(".eml"));
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(join(mailDir, file ?? ""));
    expect(written[0]).toContain(link);
  });
});
