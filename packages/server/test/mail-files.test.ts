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

  it("writes the reset mail as a file and logs one line naming the file, never the link", async () => {
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
    await expect.poll(() => readdirSync(mailDir, { recursive: false }).length, { timeout: 5000 }).toBe(1);
    const [file] = readdirSync(mailDir);
    expect(file).toMatch(/\.eml$/);
    const eml = readFileSync(join(mailDir, file ?? ""), "utf8");
    expect(eml).toMatch(/^To: carla@example\.org$/m);
    const token = /reset-password\?token=([\w-]{43})/.exec(eml)?.[1];
    expect(token).toBeDefined();
    const written = lines.filter((line) => line.includes(".eml"));
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(join(mailDir, file ?? ""));
    for (const line of lines) expect(line).not.toContain(token);
  });
});
