import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { type MainProcess, spawnSource, standaloneMain, startMain, TestBrowser, testConfig } from "./support/index.js";

/** Resolves once the server process writes a log line containing `text`. */
function logLine(server: MainProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk;
      if (!out.includes(text)) return;
      server.child.stdout?.off("data", onData);
      resolve();
    };
    server.child.stdout?.on("data", onData);
  });
}

/**
 * A POST the server has begun: resolves once the server has read its headers
 * (answered `100 Continue`); `finish` sends the JSON body and awaits the answer.
 */
function startRequest(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ finish(body: string): Promise<{ status: number; setCookies: string[] }> }> {
  return new Promise((resolveStarted, reject) => {
    const req = request(`${baseUrl}${path}`, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        expect: "100-continue",
        "transfer-encoding": "chunked",
      },
    });
    const answered = new Promise<{ status: number; setCookies: string[] }>((resolveAnswer, rejectAnswer) => {
      req.on("response", (res) => {
        res.resume();
        res.on("end", () =>
          resolveAnswer({ status: res.statusCode ?? 0, setCookies: res.headers["set-cookie"] ?? [] }),
        );
      });
      req.on("error", rejectAnswer);
    });
    req.on("error", reject);
    req.on("continue", () =>
      resolveStarted({
        finish(body) {
          req.end(body);
          return answered;
        },
      }),
    );
    req.flushHeaders();
  });
}

/** Waits for a process to exit; its exit code and standard error. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((done) => child.on("close", (code) => done({ code, stderr })));
}

describe("server lifecycle", () => {
  it("creates INITIAL_USERNAME once, and a second start leaves it alone", async () => {
    const config = testConfig({ initialUsername: "admin", initialPassword: "initial password" });
    const app = await createApp({ config });
    const url = await app.listen(0, "127.0.0.1");
    expect((await new TestBrowser(url).login("admin", "initial password")).status).toBe(200);
    // A later start with another INITIAL_PASSWORD must not re-create or reset the user.
    const again = await createApp({
      config: { ...config, initialPassword: "another password" },
      database: app.services.database,
    });
    await again.close();
    expect((await new TestBrowser(url).login("admin", "initial password")).status).toBe(200);
    expect((await new TestBrowser(url).login("admin", "another password")).status).toBe(401);
    await app.close();
  });

  it("never logs a token, cookie or password", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await createApp({ config: testConfig({ logLevel: "info" }), logger: pino({ level: "debug" }, sink) });
    const url = await app.listen(0, "127.0.0.1");
    await app.services.users.create({
      username: "una",
      passwordHash: await app.services.auth.passwords.hash("una secret password"),
    });
    const browser = new TestBrowser(url);
    await browser.login("una", "una secret password");
    await browser.mutation("auth.refresh");
    await browser.query("user.me");
    await new TestBrowser(url).login("una", "wrong secret password");
    await app.close();
    const log = lines.join("");
    expect(log).toMatch(/"procedure":"auth.login"/);
    expect(log).toMatch(/"userId":"/);
    for (const [name, cookie] of browser.cookies) {
      const parts = cookie.value.split(".");
      // The known-device cookie carries the user id (logged as userId, not a secret) between its device id and MAC.
      const secret = name === "known_device" ? [parts[0] ?? "", parts[2] ?? ""] : parts;
      for (const part of secret) if (part.length > 8) expect(log).not.toContain(part);
    }
    expect(log).not.toContain("secret password");
  });

  it("stops on SIGTERM: in-flight requests finish, the database is released, exit code 0", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-life-"));
    const env = { DATA_DIR: dataDir, INITIAL_USERNAME: "vera", INITIAL_PASSWORD: "vera password", LOG_LEVEL: "info" };
    const server = await startMain(env);
    expect(existsSync(join(dataDir, "tollgate.pid"))).toBe(true);

    // A sign-in whose headers the server has read (it answered 100 Continue) and whose body it still awaits.
    const inflight = await startRequest(server.url, "/trpc/auth.login", { origin: server.url });
    const shuttingDown = logLine(server, "shutting down");
    server.child.kill("SIGTERM");
    await shuttingDown;
    const answer = await inflight.finish(JSON.stringify({ username: "vera", password: "vera password" }));
    expect(answer.status).toBe(200);
    expect(answer.setCookies.map((line) => line.split("=")[0]).sort()).toEqual([
      "access_token",
      "csrf_token",
      "known_device",
      "refresh_token",
    ]);

    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, "tollgate.pid"))).toBe(false);
    // The embedded database opens again at once.
    const again = await startMain(env);
    expect((await new TestBrowser(again.url).login("vera", "vera password")).status).toBe(200);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("refuses a second server on the same DATA_DIR with one line, exit code 1", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-twice-"));
    const first = await startMain({ DATA_DIR: dataDir });
    try {
      const { code, stderr } = await exitOf(spawnSource(standaloneMain, [], { DATA_DIR: dataDir, PORT: "0" }));
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(new RegExp(`^DATA_DIR \\S+ is in use by process ${first.child.pid} `));
      expect(stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      first.child.kill("SIGTERM");
      await first.exited;
    }
  });

  it("refuses a DATA_DIR left by the PGlite version with one line saying what to do, exit code 1", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-pglite-"));
    mkdirSync(join(dataDir, "pglite"));
    const { code, stderr } = await exitOf(spawnSource(standaloneMain, [], { DATA_DIR: dataDir, PORT: "0" }));
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/pglite holds the PGlite database of an earlier Tollgate version/);
    expect(stderr.trim()).toMatch(/to start afresh without them, delete \S+pglite\.$/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    // Nothing created beside it, and the lock released.
    expect(existsSync(join(dataDir, "tollgate.db"))).toBe(false);
    expect(existsSync(join(dataDir, "tollgate.pid"))).toBe(false);
  });

  it("refuses bad configuration with one line naming the variable, exit code 1", async () => {
    const child = spawnSource(standaloneMain, [], { DATA_DIR: "memory://", COOKIE_SAMESITE: "none" });
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise((done) => child.on("exit", done));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("Invalid configuration: COOKIE_SAMESITE none requires COOKIE_SECURE=true");
  });
});
