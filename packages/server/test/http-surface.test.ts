import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TestBrowser, type TestServer } from "./support/index.js";

describe("HTTP surface", () => {
  let server: TestServer;
  const webRoot = mkdtempSync(join(tmpdir(), "tollgate-web-"));
  beforeAll(async () => {
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>demo</title>");
    mkdirSync(join(webRoot, "assets"));
    writeFileSync(join(webRoot, "assets", "app-abc123.js"), "console.log(1)");
    server = await startTestServer("sqlite", { config: { webRoot, corsOrigins: ["http://app.example.test"] } });
  });
  afterAll(() => server?.close());

  it("GET /healthz answers 200 {status: ok} while the database answers, and how ended sessions are known", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", revocations: "live" });
  });

  it("serves the demo page at / with CSP, frame-ancestors 'none' and nosniff", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain("demo");
    const asset = await fetch(`${server.url}/assets/app-abc123.js`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
  });

  it("refuses path traversal and unknown paths with 404", async () => {
    for (const path of [
      "/../package.json",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/assets/../../x",
      "/nope",
      "/%E0%A4%A",
      "/index.html%00.js",
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it("sends no-store, nosniff and a request id on /trpc", async () => {
    const res = await fetch(`${server.url}/trpc/user.me`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers a CORS preflight for a listed origin with credentials, and refuses others", async () => {
    const ok = await fetch(`${server.url}/trpc/auth.login`, {
      method: "OPTIONS",
      headers: {
        origin: "http://app.example.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-csrf-token",
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://app.example.test");
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    expect(ok.headers.get("access-control-allow-headers")).toContain("x-csrf-token");
    const bad = await fetch(`${server.url}/trpc/auth.login`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds CORS headers to a listed origin's real request", async () => {
    const browser = new TestBrowser(server.url);
    const res = await browser.query("user.me", undefined, { headers: { origin: "http://app.example.test" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://app.example.test");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("refuses a POST without content-type", async () => {
    const res = await fetch(`${server.url}/trpc/auth.login`, { method: "POST", body: "{}" });
    expect([400, 415]).toContain(res.status);
  });
});
