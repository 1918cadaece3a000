import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctorCli } from "../src/doctor/cli-doctor.js";
import type { Finding } from "../src/doctor/finding.js";
import type { DoctorReport } from "../src/doctor/render.js";
import { createPostgresDatabase, runCli } from "./support/index.js";

// `tollgate doctor` as an operator (or a CI step) runs it: its own process,
// the environment (and a .env) only, text for people and --json for scripts,
// exit 1 when anything is an error and 0 otherwise.

const dataDir = () => mkdtempSync(join(tmpdir(), "tollgate-doctor-"));
const secret = () => randomBytes(32).toString("base64url");

/** A production deployment done by the documentation's "Deploying": TLS at a proxy, Secure cookies, STARTTLS mail. */
const good = (): Record<string, string> => ({
  NODE_ENV: "production",
  DATA_DIR: dataDir(),
  AUTH_SECRET: secret(),
  PUBLIC_ORIGIN: "https://auth.example.com",
  COOKIE_SECURE: "true",
  TRUST_PROXY: "true",
  SMTP_URL: "smtp://tollgate:password@mail.example.com:587",
  ACCESS_TOKEN_ALG: "EdDSA",
});

async function doctor(
  env: Record<string, string>,
  cwd?: string,
): Promise<{ code: number | null; report: DoctorReport }> {
  const { code, stdout, stderr } = await runCli(["doctor", "--json"], env, "", cwd);
  expect(stderr).toBe("");
  return { code, report: JSON.parse(stdout) as DoctorReport };
}

const ids = (report: DoctorReport) => report.findings.map((finding) => finding.id);
const find = (report: DoctorReport, id: string): Finding | undefined => report.findings.find((f) => f.id === id);

describe("tollgate doctor on a good configuration", () => {
  it("finds nothing and exits 0, as text and as JSON", async () => {
    const env = good();
    const text = await runCli(["doctor"], env);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^tollgate doctor: 0 errors, 0 warnings, 0 notes\n\nEvery check passed\.\n$/);

    const { code, report } = await doctor(env);
    expect(code).toBe(0);
    expect(report).toEqual({ ok: true, counts: { error: 0, warning: 0, info: 0 }, findings: [] });
  });

  it("a development setup (defaults, generated secret) has no error, only a note, and exits 0", async () => {
    const { code, report } = await doctor({ DATA_DIR: dataDir() });
    expect(code).toBe(0);
    expect(ids(report)).toEqual(["TG-AUTH-SECRET-GENERATED"]);
    expect(find(report, "TG-AUTH-SECRET-GENERATED")?.severity).toBe("info");
  });
});

describe("tollgate doctor on bad configurations", () => {
  // Each: what is changed from the good configuration, the ID that must appear, its severity.
  const cases: ReadonlyArray<readonly [string, Record<string, string | undefined>, string, Finding["severity"]]> = [
    ["cookies without Secure behind https", { COOKIE_SECURE: "false" }, "TG-COOKIE-SECURE", "error"],
    [
      "SameSite=None with the only front end on the same site",
      { COOKIE_SAMESITE: "none", CORS_ORIGINS: "https://app.example.com" },
      "TG-COOKIE-SAMESITE-NONE",
      "warning",
    ],
    ["SameSite=None and no CORS origin at all", { COOKIE_SAMESITE: "none" }, "TG-COOKIE-SAMESITE-NONE", "warning"],
    [
      "PUBLIC_ORIGIN not https in production",
      { PUBLIC_ORIGIN: "http://auth.example.com" },
      "TG-PUBLIC-ORIGIN",
      "error",
    ],
    ["PUBLIC_ORIGIN missing in production", { PUBLIC_ORIGIN: undefined }, "TG-PUBLIC-ORIGIN", "error"],
    ["TRUST_PROXY off behind a TLS-terminating proxy", { TRUST_PROXY: "false" }, "TG-TRUST-PROXY", "warning"],
    ["AUTH_SECRET shorter than 32 bytes", { AUTH_SECRET: "s3cr3t-but-short" }, "TG-AUTH-SECRET-SHORT", "error"],
    [
      "a short secret among AUTH_SECRET_PREVIOUS",
      { AUTH_SECRET_PREVIOUS: `${secret()},short` },
      "TG-AUTH-SECRET-SHORT",
      "error",
    ],
    [
      "AUTH_SECRET a tutorial's placeholder",
      { AUTH_SECRET: "Change-Me-to-a-long-random-string-please!" },
      "TG-AUTH-SECRET-KNOWN",
      "error",
    ],
    ["AUTH_SECRET one character repeated", { AUTH_SECRET: "a".repeat(48) }, "TG-AUTH-SECRET-KNOWN", "error"],
    [
      "SMTP_URL opting out of STARTTLS to another host",
      { SMTP_URL: "smtp://tollgate:password@mail.example.com:587?requireTLS=false" },
      "TG-SMTP-PLAINTEXT",
      "error",
    ],
    [
      "SMTP_URL ignoring TLS to another host",
      { SMTP_URL: "smtp://mail.example.com:25?ignoreTLS=true" },
      "TG-SMTP-PLAINTEXT",
      "error",
    ],
    [
      "HS256 with tokens addressed to other services",
      { ACCESS_TOKEN_ALG: "HS256", TOKEN_AUDIENCE: "orders-api" },
      "TG-TOKEN-HS256-SHARED",
      "warning",
    ],
    [
      "PostgreSQL that cannot be reached",
      { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", REDIS_URL: "redis://127.0.0.1:6379" },
      "TG-DATABASE-UNREACHABLE",
      "error",
    ],
    [
      "a configuration the server refuses (SameSite=None without Secure)",
      { COOKIE_SAMESITE: "none", COOKIE_SECURE: "false" },
      "TG-CONFIG-INVALID",
      "error",
    ],
  ];

  it.each(cases)("%s: reported with its ID, fix and standard item", async (_name, change, id, severity) => {
    const env = good();
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const { code, report } = await doctor(env);
    const finding = find(report, id);
    expect(finding, `${id} in ${JSON.stringify(ids(report))}`).toBeDefined();
    expect(finding?.severity).toBe(severity);
    expect(finding?.message.length).toBeGreaterThan(0);
    expect(finding?.fix.length).toBeGreaterThan(0);
    expect(finding?.standard.length).toBeGreaterThan(0);
    // Warnings do not fail: the exit code follows the errors alone.
    const errors = report.findings.filter((f) => f.severity === "error").length;
    expect(report.ok).toBe(errors === 0);
    expect(code).toBe(errors > 0 ? 1 : 0);
    if (severity === "error") expect(code).toBe(1);
  });

  it("the text report groups findings by severity, errors first, each with its ID, fix and standard", async () => {
    const { code, stdout } = await runCli(["doctor"], {
      ...good(),
      COOKIE_SECURE: "false",
      TRUST_PROXY: "false",
      AUTH_SECRET: "a".repeat(48),
    });
    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toBe("tollgate doctor: 2 errors, 1 warning, 0 notes");
    const errors = stdout.indexOf("\nErrors:\n");
    const warnings = stdout.indexOf("\nWarnings:\n");
    expect(errors).toBeGreaterThan(0);
    expect(warnings).toBeGreaterThan(errors);
    expect(stdout.slice(errors, warnings)).toMatch(/ {2}TG-AUTH-SECRET-KNOWN {2}.+\n {4}fix: .+\n {4}see: ASVS 5\.0/);
    expect(stdout.slice(errors, warnings)).toContain("  TG-COOKIE-SECURE  ");
    expect(stdout.slice(warnings)).toContain("  TG-TRUST-PROXY  ");
  });

  it("reads a .env in the current directory, as the server does (variables already set win)", async () => {
    const cwd = dataDir();
    writeFileSync(
      join(cwd, ".env"),
      "AUTH_SECRET=replace-me-with-a-long-random-value-from-openssl\nCOOKIE_SECURE=false\nTRUST_PROXY=false\n",
    );
    const env = good();
    delete env.AUTH_SECRET;
    delete env.COOKIE_SECURE;
    const { code, report } = await doctor(env, cwd);
    expect(code).toBe(1);
    expect(find(report, "TG-AUTH-SECRET-KNOWN")?.message).toMatch(/^AUTH_SECRET contains the placeholder "replaceme"/);
    expect(ids(report)).toContain("TG-COOKIE-SECURE");
    // TRUST_PROXY=true from the environment wins over the .env's false.
    expect(ids(report)).not.toContain("TG-TRUST-PROXY");
  });

  it("never says which secret it found weak, only which variable", async () => {
    const weak = "Change-Me-to-a-long-random-string-please!";
    const { stdout } = await runCli(["doctor"], { ...good(), AUTH_SECRET: weak });
    expect(stdout).toContain("TG-AUTH-SECRET-KNOWN");
    expect(stdout).not.toContain(weak);
  });
});

// The same code in this process: the settings that must not be reported (no process needed to show silence).
describe("tollgate doctor: what is fine stays quiet", () => {
  it.each([
    [
      "SameSite=None for a front end on another site",
      { COOKIE_SAMESITE: "none", CORS_ORIGINS: "https://app.other.org" },
    ],
    // github.io is a public suffix: a.github.io and b.github.io are two sites.
    [
      "SameSite=None between two sites under one public suffix",
      { COOKIE_SAMESITE: "none", PUBLIC_ORIGIN: "https://auth.github.io", CORS_ORIGINS: "https://app.github.io" },
    ],
    ["smtps:// (TLS from the start)", { SMTP_URL: "smtps://tollgate:password@mail.example.com:465" }],
    ["smtp:// without STARTTLS to a relay on this machine", { SMTP_URL: "smtp://127.0.0.1:2525?ignoreTLS=true" }],
    ["HS256 with tokens for Tollgate alone", { ACCESS_TOKEN_ALG: "HS256" }],
  ])("%s", async (_name, change) => {
    const { exitCode, output } = await runDoctorCli({ ...good(), ...change }, { json: true });
    expect((JSON.parse(output) as DoctorReport).findings).toEqual([]);
    expect(exitCode).toBe(0);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("tollgate doctor on PostgreSQL", () => {
  let databaseUrl: string;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createPostgresDatabase();
    databaseUrl = created.url;
    drop = created.drop;
  });
  afterAll(async () => {
    await drop?.();
  });

  it("several instances without Redis: rate limits in memory, a warning; the clocks agree", async () => {
    const { code, report } = await doctor({ ...good(), DATABASE_URL: databaseUrl });
    expect(ids(report)).toEqual(["TG-RATE-LIMIT-MEMORY"]);
    expect(find(report, "TG-RATE-LIMIT-MEMORY")?.severity).toBe("warning");
    expect(code).toBe(0);
  });

  it("with REDIS_URL: nothing to report", async () => {
    const { code, report } = await doctor({
      ...good(),
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    });
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it("compares PostgreSQL's clock with this machine's (injected clock offsets, the real PostgreSQL)", async () => {
    const env = { ...good(), DATABASE_URL: databaseUrl, REDIS_URL: "redis://127.0.0.1:6379" };
    const at = async (offsetMs: number) => {
      const { exitCode, output } = await runDoctorCli(env, { json: true, now: () => Date.now() + offsetMs });
      const report = JSON.parse(output) as DoctorReport;
      return { exitCode, finding: find(report, "TG-CLOCK-SKEW") };
    };
    expect(await at(0)).toEqual({ exitCode: 0, finding: undefined });
    const ahead = await at(-30_000);
    expect(ahead.exitCode).toBe(1);
    expect(ahead.finding?.severity).toBe("error");
    expect(ahead.finding?.message).toMatch(/^PostgreSQL's clock is (29\.\d|30\.\d) s ahead of this machine's/);
    const slight = await at(3000);
    expect(slight.exitCode).toBe(0);
    expect(slight.finding?.severity).toBe("warning");
    expect(slight.finding?.message).toMatch(/s behind this machine's/);
  });
});
