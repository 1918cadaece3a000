import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../src/app.js";
import { LOCK_FILE } from "../src/db/data-dir-lock.js";
import type { DoctorReport } from "../src/doctor/render.js";
import { backends, startTestServer, type TestClock, type TestServer, testConfig } from "./support/index.js";

// The doctor as a running server sees itself: `/healthz?verbose` on the
// metrics listener (never the public port), from its configuration, the
// requests it has served, its PostgreSQL's clock and its DATA_DIR lock.

/** This machine's clock as the server reads it: the wall clock, moved by `advance` (a host whose clock is off). */
function offsetClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(seconds) {
      offset += seconds * 1000;
    },
  };
}

function healthzUrl(metricsUrl: string | undefined): string {
  if (!metricsUrl) throw new Error("no metrics listener");
  return metricsUrl.replace(/\/metrics$/, "/healthz?verbose");
}

async function verbose(metricsUrl: string | undefined): Promise<DoctorReport> {
  const res = await fetch(healthzUrl(metricsUrl));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json");
  expect(res.headers.get("cache-control")).toBe("no-store");
  return (await res.json()) as DoctorReport;
}

const ids = (report: DoctorReport) => report.findings.map((finding) => finding.id);

describe.each(backends())("/healthz?verbose on %s", (backend) => {
  let server: TestServer;
  let clock: TestClock;
  beforeAll(async () => {
    clock = offsetClock();
    server = await startTestServer(backend, {
      clock,
      config: { metricsPort: 0, publicOrigin: "https://auth.example.com", cookieSecure: true, trustProxy: false },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a fresh server, before any request: TRUST_PROXY off with PUBLIC_ORIGIN https on plain http is a warning", async () => {
    const report = await verbose(server.app.metricsUrl);
    expect(report.findings.find((f) => f.id === "TG-TRUST-PROXY")?.severity).toBe("warning");
    expect(report.ok).toBe(true);
  });

  it("is the metrics listener's alone: the public port answers its plain health, without findings", async () => {
    const res = await fetch(`${server.url}/healthz?verbose`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ status: "ok", revocations: "live" });
    // On the metrics listener: GET or HEAD only, and /healthz without ?verbose is not served.
    const url = healthzUrl(server.app.metricsUrl);
    expect((await fetch(url, { method: "POST" })).status).toBe(405);
    expect((await fetch(url.replace("?verbose", ""))).status).toBe(404);
  });

  it("TRUST_PROXY off: quiet while clients come straight in, an error once requests carry X-Forwarded-For", async () => {
    // The requests so far had no X-Forwarded-For: nothing in front, nothing to say.
    expect(ids(await verbose(server.app.metricsUrl))).not.toContain("TG-TRUST-PROXY");

    for (let i = 0; i < 3; i++) {
      await fetch(`${server.url}/healthz`, { headers: { "x-forwarded-for": `203.0.113.${i + 1}` } });
    }
    const after = await verbose(server.app.metricsUrl);
    const finding = after.findings.find((f) => f.id === "TG-TRUST-PROXY");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toMatch(/but 3 of the last \d+ requests carried X-Forwarded-For/);
    expect(after.ok).toBe(false);
    expect(after.counts.error).toBeGreaterThanOrEqual(1);
  });

  it("HS256 while something asks for /.well-known/jwks.json: other services try to verify the tokens", async () => {
    expect(ids(await verbose(server.app.metricsUrl))).not.toContain("TG-TOKEN-HS256-SHARED");
    const jwks = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(404);
    const report = await verbose(server.app.metricsUrl);
    expect(report.findings.find((f) => f.id === "TG-TOKEN-HS256-SHARED")?.message).toContain(
      "1 recent requests asked for /.well-known/jwks.json",
    );
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("/healthz?verbose: PostgreSQL's clock", () => {
  let server: TestServer;
  let clock: TestClock;
  beforeAll(async () => {
    clock = offsetClock();
    server = await startTestServer("postgres", { clock, config: { metricsPort: 0 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("quiet while the clocks agree, a warning past a second, an error past the tokens' 5 s of leeway", async () => {
    expect(ids(await verbose(server.app.metricsUrl))).not.toContain("TG-CLOCK-SKEW");
    clock.advance(60);
    const skewed = (await verbose(server.app.metricsUrl)).findings.find((f) => f.id === "TG-CLOCK-SKEW");
    expect(skewed?.severity).toBe("error");
    expect(skewed?.message).toMatch(/^PostgreSQL's clock is (59\.\d|60\.\d) s behind this machine's/);
    clock.advance(-57.5);
    const small = (await verbose(server.app.metricsUrl)).findings.find((f) => f.id === "TG-CLOCK-SKEW");
    expect(small?.severity).toBe("warning");
    clock.advance(-2.5);
    expect(ids(await verbose(server.app.metricsUrl))).not.toContain("TG-CLOCK-SKEW");
  });
});

describe("/healthz?verbose on the embedded database on disk", () => {
  let app: App;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tollgate-doctor-lock-"));
    // No database passed: the app opens DATA_DIR itself and takes its lock, as `pnpm start` does.
    app = await createApp({ config: testConfig({ dataDir, metricsPort: 0 }) });
    await app.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("reports a second server that took DATA_DIR's lock over (another container, another host)", async () => {
    expect(ids(await verbose(app.metricsUrl))).not.toContain("TG-EMBEDDED-SHARED");
    // What a server in another pid namespace does to a lock naming a pid it cannot see: takes it over.
    writeFileSync(join(dataDir, LOCK_FILE), "1\n");
    const report = await verbose(app.metricsUrl);
    const finding = report.findings.find((f) => f.id === "TG-EMBEDDED-SHARED");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain("Another server took over the lock of DATA_DIR");
    writeFileSync(join(dataDir, LOCK_FILE), `${process.pid}\n`);
    expect(ids(await verbose(app.metricsUrl))).not.toContain("TG-EMBEDDED-SHARED");
  });
});
