import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { backends, createPostgresDatabase, TestBrowser, testConfig } from "./support/index.js";

describe.each(backends())("sessions survive a restart on %s", (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("a session made before the restart refreshes after it", async () => {
    let databaseUrl: string | undefined;
    if (backend === "postgres") {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      databaseUrl = created.url;
    }
    const config = testConfig({ dataDir: mkdtempSync(join(tmpdir(), "tollgate-restart-")), databaseUrl });

    const first = await createApp({ config });
    const firstUrl = await first.listen(0, "127.0.0.1");
    await first.services.users.create({
      username: "lee",
      passwordHash: await first.services.auth.passwords.hash("lee password"),
    });
    const browser = new TestBrowser(firstUrl);
    expect((await browser.login("lee", "lee password")).status).toBe(200);
    await first.close();

    const second = await createApp({ config });
    cleanups.push(() => second.close());
    const secondUrl = await second.listen(0, "127.0.0.1");
    const moved = new TestBrowser(secondUrl);
    for (const [k, v] of browser.cookies) moved.cookies.set(k, v);
    expect((await moved.query("user.me")).status).toBe(200);
    expect((await moved.mutation("auth.refresh")).status).toBe(200);
  });
});
