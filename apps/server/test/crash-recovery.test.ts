import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { sha256 } from "@tollgate/auth";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, TestBrowser } from "./support/index.js";

const serverDir = fileURLToPath(new URL("..", import.meta.url));

/** The real server as its own process (src/main.ts), so it can be SIGKILLed. */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=tollgate-source", "--import", "tsx", "src/main.ts"], {
      cwd: serverDir,
      env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1]) {
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve({ child, url: match[1] });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

describe.runIf(process.env.TEST_DATABASE_URL)("server killed with SIGKILL during a refresh storm", () => {
  let database: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    env = {
      DATABASE_URL: database.url,
      DATA_DIR: "memory://",
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      INITIAL_USERNAME: "rosa",
      INITIAL_PASSWORD: "rosa password",
    };
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await database?.drop();
  });

  it("leaves every session with one live token after the restart", async () => {
    const first = await startServer(env);
    children.push(first.child);
    const clients = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const browser = new TestBrowser(first.url);
        expect((await browser.login("rosa", "rosa password")).status).toBe(200);
        return browser;
      }),
    );
    const storm = clients.map(async (browser) => {
      try {
        for (;;) await browser.mutation("auth.refresh");
      } catch {
        // the server is gone
      }
    });
    await new Promise((r) => setTimeout(r, 400));
    first.child.kill("SIGKILL");
    await Promise.all(storm);

    const second = await startServer(env);
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

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ current_hash: string; revoked_at: Date | null }>(
      "SELECT current_hash, revoked_at FROM sessions",
    );
    await client.end();
    expect(rows).toHaveLength(clients.length);
    const currents = new Set(rows.map((r) => r.current_hash));
    for (const browser of clients) {
      const secret = browser.cookies.get("refresh_token")?.value.split(".")[1] ?? "";
      expect(currents.has(sha256(secret))).toBe(true);
    }
    expect(rows.every((r) => r.revoked_at === null)).toBe(true);
  });
});
