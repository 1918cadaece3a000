import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@tollgate/auth/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { backends, createPostgresDatabase, startMain, TestBrowser } from "./support/index.js";

describe.each(backends())("server killed with SIGKILL during a refresh storm on %s", (backend) => {
  let drop: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-crash-")),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      INITIAL_USERNAME: "rosa",
      INITIAL_PASSWORD: "rosa password",
      // Many clients of one account sign in at once from one address; checks in flight count against the limit.
      LOGIN_MAX_FAILURES: "100",
    };
    if (backend === "postgres") {
      const database = await createPostgresDatabase();
      drop = database.drop;
      env.DATABASE_URL = database.url;
    }
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await drop?.();
  });

  it("leaves every session with one live token after the restart", async () => {
    const first = await startMain(env);
    children.push(first.child);
    const clients = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const browser = new TestBrowser(first.url);
        expect((await browser.login("rosa", "rosa password")).status).toBe(200);
        return browser;
      }),
    );
    const stormers = clients.map((browser) => ({ browser, rotations: 0 }));
    const storm = stormers.map(async (stormer) => {
      try {
        for (;;) if ((await stormer.browser.mutation("auth.refresh")).status === 200) stormer.rotations++;
      } catch {
        // the server is gone
      }
    });
    // Killed mid-storm: once every session has rotated a few times.
    await expect
      .poll(() => Math.min(...stormers.map((s) => s.rotations)), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    first.child.kill("SIGKILL");
    await Promise.all(storm);

    const second = await startMain(env);
    children.push(second.child);
    for (const browser of clients) {
      const moved = new TestBrowser(second.url);
      for (const [k, v] of browser.cookies) moved.cookies.set(k, v);
      // The token this client last received is either current, or (response
      // lost in the crash) the predecessor inside the grace: both continue.
      const res = await moved.mutation("auth.refresh");
      expect(res.status).toBe(200);
      for (const [k, v] of moved.cookies) browser.cookies.set(k, v);
    }

    // Read beside the running server (as the CLI would on SQLite).
    const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR as string });
    const rows = await database.db.selectFrom("sessions").select(["current_hash", "revoked_at"]).execute();
    await database.close();
    expect(rows).toHaveLength(clients.length);
    const currents = new Set(rows.map((r) => r.current_hash));
    for (const browser of clients) {
      const secret = browser.cookies.get("refresh_token")?.value.split(".")[1] ?? "";
      expect(currents.has(sha256(secret))).toBe(true);
    }
    expect(rows.every((r) => r.revoked_at === null)).toBe(true);
  });
});
