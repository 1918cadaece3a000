import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../src/app.js";
import { errorOf, TestBrowser, testConfig } from "./support/index.js";

// The embedded database's outage: another process holds SQLite's write lock
// past the busy timeout. The server answers 503 naming the database, changes
// nothing, and works again once the lock is gone.
describe("embedded database outage (SQLite write lock held elsewhere)", () => {
  let app: App;
  let url: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "tollgate-outage-"));
    app = await createApp({ config: testConfig({ dataDir }) });
    url = await app.listen(0, "127.0.0.1");
    await app.services.users.create({
      username: "quinn",
      passwordHash: await app.services.auth.passwords.hash("quinn password"),
    });
  });
  afterAll(() => app?.close());

  it("answers a write with 503 Database unavailable while locked, and recovers when released", async () => {
    const other = new DatabaseSync(join(dataDir, "tollgate.db"));
    other.exec("PRAGMA busy_timeout = 0");
    other.exec("BEGIN EXCLUSIVE");
    let locked: Awaited<ReturnType<TestBrowser["login"]>>;
    try {
      locked = await new TestBrowser(url).login("quinn", "quinn password");
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(locked.status).toBe(503);
    expect(errorOf(locked).data.code).toBe("SERVICE_UNAVAILABLE");
    expect(errorOf(locked).data.authCode).toBe("BACKEND_UNAVAILABLE");
    expect(errorOf(locked).message).toBe("Database unavailable, try again shortly");
    expect(JSON.stringify(locked.body)).not.toMatch(/SQLITE|stack/);
    expect(locked.setCookies).toEqual([]);
    expect((await new TestBrowser(url).login("quinn", "quinn password")).status).toBe(200);
  });
});
