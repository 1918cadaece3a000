import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.js";
import { loadConfig } from "../src/env.js";
import { accountPageBuild } from "../src/start-config.js";

function errorLine(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: "memory://", ...env }, { onError: "throw" });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("looks for the account page in apps/web's build output by default", () => {
    // Whether or not it has been built: the folder beside it is apps/web's package.
    const webPackage = JSON.parse(readFileSync(join(accountPageBuild, "..", "package.json"), "utf8")) as {
      name: string;
    };
    expect(webPackage.name).toBe("@tollgate/web");
    expect(accountPageBuild.endsWith(join("apps", "web", "dist"))).toBe(true);
  });

  it("applies the contract's defaults", () => {
    const config = loadConfig({ DATA_DIR: "memory://" });
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      accessTokenTtl: 900,
      refreshTokenTtl: 2592000,
      sessionIdleTimeout: 604800,
      refreshReuseGrace: 10,
      cookieSecure: false,
      cookieSameSite: "lax",
      corsOrigins: [],
      loginMaxFailures: 5,
      loginWindow: 900,
      trustProxy: false,
      metricsHost: "127.0.0.1",
    });
    expect(config.authSecret.length).toBeGreaterThanOrEqual(32);
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET"],
    [{ AUTH_SECRET_PREVIOUS: "short" }, "AUTH_SECRET_PREVIOUS"],
    [{ COOKIE_SAMESITE: "none" }, "COOKIE_SAMESITE"],
    [{ COOKIE_SAMESITE: "sometimes" }, "COOKIE_SAMESITE"],
    [{ COOKIE_SECURE: "maybe" }, "COOKIE_SECURE"],
    [{ CORS_ORIGINS: "https://ok.example,not-an-origin" }, "CORS_ORIGINS"],
    [{ PUBLIC_ORIGIN: "https://api.example.com/path" }, "PUBLIC_ORIGIN"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ ACCESS_TOKEN_TTL: "0" }, "ACCESS_TOKEN_TTL"],
    [{ REFRESH_TOKEN_TTL: "-5" }, "REFRESH_TOKEN_TTL"],
    [{ NODE_ENV: "production" }, "AUTH_SECRET"],
    [{ INITIAL_USERNAME: "admin" }, "INITIAL_PASSWORD"],
    // The username rules: no zero-width or control characters.
    [{ INITIAL_USERNAME: "admin\u200b", INITIAL_PASSWORD: "initial password" }, "INITIAL_USERNAME"],
    [{ INITIAL_USERNAME: "ad\u0007min", INITIAL_PASSWORD: "initial password" }, "INITIAL_USERNAME"],
    [{ REDIS_URL: "http://x" }, "REDIS_URL"],
    // Instances sharing a database must share a secret: a generated one is per data directory.
    [{ DATABASE_URL: "postgres://db.example/app" }, "AUTH_SECRET"],
    [{ NODE_ENV: "production", AUTH_SECRET: "s".repeat(32) }, "PUBLIC_ORIGIN"],
    [{ TOKEN_ISSUER: "x".repeat(300) }, "TOKEN_ISSUER"],
    // Password reset (and sign-up) mail: .eml files are for development only.
    [{ NODE_ENV: "production", AUTH_SECRET: "s".repeat(32), PUBLIC_ORIGIN: "https://a.example" }, "SMTP_URL"],
    [{ SMTP_URL: "http://mail.example" }, "SMTP_URL"],
    [{ SIGNUP: "maybe" }, "SIGNUP"],
    [{ EMAIL_VERIFICATION: "yes" }, "EMAIL_VERIFICATION"],
    [{ UV_THREADPOOL_SIZE: "0" }, "UV_THREADPOOL_SIZE"],
    [{ METRICS_PORT: "abc" }, "METRICS_PORT"],
    [{ METRICS_PORT: "-1" }, "METRICS_PORT"],
    [{ METRICS_PORT: "65536" }, "METRICS_PORT"],
    [{ METRICS_PORT: "9464.5" }, "METRICS_PORT"],
    // Metrics never share the public port.
    [{ METRICS_PORT: "3000" }, "METRICS_PORT"],
    [{ PORT: "8080", METRICS_PORT: "8080" }, "METRICS_PORT"],
  ])("refuses %j with one line naming %s", (env, variable) => {
    const line = errorLine(env);
    expect(line).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(line).not.toContain("\n");
  });

  it("accepts secure cross-site cookies and lists", () => {
    const config = loadConfig({
      DATA_DIR: "memory://",
      COOKIE_SECURE: "true",
      COOKIE_SAMESITE: "None",
      CORS_ORIGINS: "https://a.example, https://b.example:8443",
      AUTH_SECRET: "a".repeat(32),
      AUTH_SECRET_PREVIOUS: `${"b".repeat(32)},${"c".repeat(40)}`,
    });
    expect(config.cookieSameSite).toBe("none");
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example:8443"]);
    expect(config.authSecretPrevious).toHaveLength(2);
  });

  it("generates AUTH_SECRET once into DATA_DIR with mode 0600 and reuses it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-cfg-"));
    const first = loadConfig({ DATA_DIR: dir }).authSecret;
    const second = loadConfig({ DATA_DIR: dir }).authSecret;
    expect(second).toBe(first);
    expect(readFileSync(join(dir, "auth-secret"), "utf8").trim()).toBe(first);
    expect(statSync(join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
  });

  it("parses without touching the disk: no secret file is written until the start step", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tollgate-cfg-")), "data");
    const parsed = parseConfig({ DATA_DIR: dir });
    expect(parsed.authSecret).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    expect(loadConfig({ DATA_DIR: dir }).authSecret.length).toBeGreaterThanOrEqual(32);
    expect(existsSync(join(dir, "auth-secret"))).toBe(true);
  });

  it("refuses a secret file shorter than 32 bytes in DATA_DIR, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-cfg-"));
    writeFileSync(join(dir, "auth-secret"), "short\n", { mode: 0o600 });
    expect(() => loadConfig({ DATA_DIR: dir }, { onError: "throw" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir }, { onError: "throw" })).toThrow(
      `${join(dir, "auth-secret")} holds a secret shorter than 32 bytes`,
    );
  });

  it("stores INITIAL_USERNAME normalized (NFKC, trimmed), as every username", () => {
    expect(parseConfig({ INITIAL_USERNAME: " ａｄｍｉｎ ", INITIAL_PASSWORD: "p" }).initialUsername).toBe("admin");
  });

  it("takes METRICS_PORT: unset or empty means no metrics listener, 0 a free port", () => {
    expect(parseConfig({}).metricsPort).toBeUndefined();
    expect(parseConfig({ METRICS_PORT: " " }).metricsPort).toBeUndefined();
    expect(parseConfig({ METRICS_PORT: "9464" }).metricsPort).toBe(9464);
    expect(parseConfig({ METRICS_PORT: " 9464 " }).metricsPort).toBe(9464);
    expect(parseConfig({ METRICS_PORT: "0" }).metricsPort).toBe(0);
    expect(parseConfig({ PORT: "0", METRICS_PORT: "0" }).metricsPort).toBe(0);
  });

  it("takes the token issuer and audience from the environment", () => {
    const config = parseConfig({ TOKEN_ISSUER: "https://auth.example", TOKEN_AUDIENCE: "api" });
    expect([config.tokenIssuer, config.tokenAudience]).toEqual(["https://auth.example", "api"]);
    expect(parseConfig({})).toMatchObject({ tokenIssuer: "tollgate", tokenAudience: "tollgate" });
  });
});
