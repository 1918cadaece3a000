import { Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { backends, startTestServer, TestBrowser, type TestServer, testConfig } from "./support/index.js";

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses Prometheus' text format (samples only; comments skipped). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key = "", value = ""] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(metricsUrl: string | undefined): Promise<{ text: string; samples: Sample[] }> {
  if (!metricsUrl) throw new Error("no metrics listener");
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, samples: parseSamples(text) };
}

/** The value of the one sample named `name` whose labels include `labels`. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

/** The TCP servers listening in this process now (node's own handle list; other tests' servers included). */
function listeningServers(): Set<Server> {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return new Set(handles.filter((h): h is Server => h instanceof Server && h.listening));
}

/** The servers listening now that were not before. */
function startedSince(before: Set<Server>): Server[] {
  return [...listeningServers()].filter((server) => !before.has(server));
}

function copy(server: TestServer, browser: TestBrowser): TestBrowser {
  const twin = new TestBrowser(server.url);
  for (const [k, v] of browser.cookies) twin.cookies.set(k, { ...v });
  return twin;
}

describe.each(backends())("Prometheus metrics on %s", (backend) => {
  let server: TestServer;
  let metricsUrl: string | undefined;
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer(backend, { config: { metricsPort: 0, loginMaxFailures: 2 } });
    metricsUrl = server.app.metricsUrl;
    await server.createUser("erin", "erin password");

    const browser = new TestBrowser(server.url);
    const expectStatus = async (label: string, call: Promise<{ status: number }>, status: number) => {
      const result = await call;
      statuses[label] = result.status;
      expect(result.status, label).toBe(status);
    };
    await expectStatus("login", browser.login("erin", "erin password"), 200);
    await expectStatus("wrong password", new TestBrowser(server.url).login("erin", "not it"), 401);
    // Two checks allowed per (username, client network); the next two are refused before any check.
    const guesser = new TestBrowser(server.url);
    for (const status of [401, 401, 429, 429]) {
      await expectStatus(`guess ${status}`, guesser.login("mallory", "guess"), status);
    }
    await expectStatus("user.me", browser.query("user.me"), 200);

    // Refreshes: token T0 → T1; T0 again inside the grace; T1 → T2 → T3; then T1, two rotations old: theft.
    const holdsT0 = copy(server, browser);
    await expectStatus("rotate 1", browser.mutation("auth.refresh"), 200);
    await expectStatus("grace replay", holdsT0.mutation("auth.refresh"), 200);
    const holdsT1 = copy(server, browser);
    await expectStatus("rotate 2", browser.mutation("auth.refresh"), 200);
    await expectStatus("rotate 3", browser.mutation("auth.refresh"), 200);
    await expectStatus("reuse", holdsT1.mutation("auth.refresh"), 401);
    // The session was revoked: its newest token is refused.
    await expectStatus("refused", browser.mutation("auth.refresh"), 401);

    // Label cardinality: a batch, an unknown procedure, a made-up URL, /healthz.
    await expectStatus("batch", browser.request("GET", "/trpc/meta.info,meta.info?batch=1&input={}", undefined), 200);
    await expectStatus("unknown", browser.query("no.such.procedure"), 404);
    await expectStatus("made-up URL", browser.request("GET", "/made-up-path-8f3a", undefined), 404);
    await expectStatus("healthz", browser.request("GET", "/healthz", undefined), 200);
  });
  afterAll(() => server?.close());

  it("counts sign-in outcomes where they are decided", async () => {
    const { samples } = await scrape(metricsUrl);
    const outcome = (o: string) => sampleValue(samples, "tollgate_sign_in_attempts_total", { outcome: o });
    expect(outcome("success")).toBe(1);
    expect(outcome("failure")).toBe(3);
    expect(outcome("rate_limited")).toBe(2);
    expect(outcome("hash_queue_full")).toBe(0);
  });

  it("counts refresh outcomes", async () => {
    const { samples } = await scrape(metricsUrl);
    const outcome = (o: string) => sampleValue(samples, "tollgate_refresh_attempts_total", { outcome: o });
    expect(outcome("rotated")).toBe(3);
    expect(outcome("grace_replay")).toBe(1);
    expect(outcome("reuse_detected")).toBe(1);
    expect(outcome("refused")).toBe(1);
  });

  it("times requests by procedure and status, with bounded labels", async () => {
    const { text, samples } = await scrape(metricsUrl);
    const count = (procedure: string, status: string) =>
      sampleValue(samples, "tollgate_http_request_duration_seconds_count", { procedure, status });
    expect(count("auth.login", "200")).toBe(1);
    expect(count("auth.login", "401")).toBe(3);
    expect(count("auth.login", "429")).toBe(2);
    expect(count("user.me", "200")).toBe(1);
    expect(count("auth.refresh", "200")).toBe(4);
    expect(count("auth.refresh", "401")).toBe(2);
    expect(count("batch", "200")).toBe(1);
    expect(count("unknown", "404")).toBe(1);
    // /healthz and the made-up URL (the public port's /metrics is asked of an app of its own).
    expect(count("other", "200")).toBe(1);
    expect(count("other", "404")).toBe(1);
    const bucket = sampleValue(samples, "tollgate_http_request_duration_seconds_bucket", {
      procedure: "auth.login",
      status: "200",
      le: "+Inf",
    });
    expect(bucket).toBe(1);
    expect(
      sampleValue(samples, "tollgate_http_request_duration_seconds_sum", { procedure: "user.me", status: "200" }),
    ).toBeGreaterThan(0);
    // A made-up path or procedure never becomes a label value.
    expect(text).not.toContain("made-up-path");
    expect(text).not.toContain("no.such.procedure");
    const procedures = new Set(
      samples.filter((s) => s.name.startsWith("tollgate_http_request_duration_seconds")).map((s) => s.labels.procedure),
    );
    expect([...procedures].sort()).toEqual(["auth.login", "auth.refresh", "batch", "other", "unknown", "user.me"]);
  });

  it("reports the password-hash queue and how long hashes waited for a slot", async () => {
    const { samples } = await scrape(metricsUrl);
    expect(sampleValue(samples, "tollgate_password_hash_queue_depth")).toBe(0);
    // createUser's hash and the four logins that reached a check (the rate-limited ones never hash).
    expect(sampleValue(samples, "tollgate_password_hash_wait_seconds_count")).toBe(5);
    expect(sampleValue(samples, "tollgate_password_hash_wait_seconds_bucket", { le: "+Inf" })).toBe(5);
  });

  it("reports the database's connections", async () => {
    const { samples } = await scrape(metricsUrl);
    const connections = sampleValue(samples, "tollgate_db_pool_connections");
    if (backend === "sqlite") {
      expect(connections).toBe(1);
      expect(sampleValue(samples, "tollgate_db_pool_idle_connections")).toBeUndefined();
    } else {
      expect(connections).toBeGreaterThanOrEqual(1);
      const idle = sampleValue(samples, "tollgate_db_pool_idle_connections");
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(idle).toBeLessThanOrEqual(connections ?? 0);
      expect(sampleValue(samples, "tollgate_db_pool_waiting_queries")).toBe(0);
    }
  });

  it("includes process and Node.js metrics, event-loop delay among them", async () => {
    const { samples } = await scrape(metricsUrl);
    const names = new Set(samples.map((s) => s.name));
    for (const name of [
      "nodejs_eventloop_lag_seconds",
      "nodejs_eventloop_lag_p99_seconds",
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it("serves metrics only on the metrics port", async () => {
    // An app of its own, so these requests leave the counts above exact whatever the order.
    const another = await server.startAnother({ metricsPort: 0 });
    const publicRes = await fetch(`${another.url}/metrics`);
    expect(publicRes.status).toBe(404);
    expect(await publicRes.text()).not.toContain("tollgate_");
    const metricsBase = (another.app.metricsUrl ?? "").replace(/\/metrics$/, "");
    expect(metricsBase).not.toBe(another.url);
    expect((await fetch(`${metricsBase}/`)).status).toBe(404);
    expect((await fetch(`${metricsBase}/trpc/user.me`)).status).toBe(404);
    const post = await fetch(`${metricsBase}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("keeps each app's metrics apart, and counts refusals for a full hash queue", async () => {
    // One hashing slot, no queue: of parallel sign-ins, those arriving while a hash runs are refused with 503.
    const another = await server.startAnother({ threadPoolSize: 3, passwordHashQueue: 0 });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => new TestBrowser(another.url).login(`nobody${i}`, "guess")),
    );
    const statusCount = (status: number) => results.filter((r) => r.status === status).length;
    expect(statusCount(401) + statusCount(503)).toBe(4);
    expect(statusCount(503)).toBeGreaterThanOrEqual(1);

    const { samples } = await scrape(another.app.metricsUrl);
    const outcome = (o: string) => sampleValue(samples, "tollgate_sign_in_attempts_total", { outcome: o });
    expect(outcome("hash_queue_full")).toBe(statusCount(503));
    expect(outcome("failure")).toBe(statusCount(401));
    expect(outcome("success")).toBe(0);
    expect(sampleValue(samples, "tollgate_refresh_attempts_total", { outcome: "rotated" })).toBe(0);
    // The first app's counts did not move.
    const first = await scrape(metricsUrl);
    expect(sampleValue(first.samples, "tollgate_sign_in_attempts_total", { outcome: "failure" })).toBe(3);
    expect(sampleValue(first.samples, "tollgate_sign_in_attempts_total", { outcome: "hash_queue_full" })).toBe(0);
  });

  it("closes the metrics listener with the app", async () => {
    const app = await createApp({ config: testConfig({ metricsPort: 0 }), database: server.database });
    await app.listen(0, "127.0.0.1");
    const url = app.metricsUrl ?? "";
    expect((await fetch(url)).status).toBe(200);
    await app.close();
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe("without METRICS_PORT", () => {
  it("starts no metrics listener", async () => {
    const before = listeningServers();
    const app = await createApp({ config: testConfig() });
    try {
      const url = await app.listen(0, "127.0.0.1");
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      expect(app.metricsUrl).toBeUndefined();
      expect(app.services.metrics.registry).toBeUndefined();
      // Only the public listener.
      expect(startedSince(before)).toEqual([app.server]);
    } finally {
      await app.close();
    }
  });

  it("with METRICS_PORT starts exactly one more", async () => {
    const before = listeningServers();
    const app = await createApp({ config: testConfig({ metricsPort: 0 }) });
    try {
      const url = await app.listen(0, "127.0.0.1");
      const started = startedSince(before);
      expect(started).toHaveLength(2);
      expect(started).toContain(app.server);
      expect(new URL(app.metricsUrl ?? "").port).not.toBe(new URL(url).port);
    } finally {
      await app.close();
    }
  });
});

describe("where the metrics listener binds", () => {
  it("stays on loopback when the public listener is on every interface (HOST=0.0.0.0)", async () => {
    const app = await createApp({ config: testConfig({ host: "0.0.0.0", metricsPort: 0 }) });
    try {
      const url = await app.listen(0, "0.0.0.0");
      expect(new URL(url).hostname).toBe("0.0.0.0");
      const metricsUrl = new URL(app.metricsUrl ?? "");
      expect(metricsUrl.hostname).toBe("127.0.0.1");
      expect((await fetch(metricsUrl)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("binds where METRICS_HOST says", async () => {
    const app = await createApp({ config: testConfig({ host: "127.0.0.1", metricsHost: "0.0.0.0", metricsPort: 0 }) });
    try {
      await app.listen(0, "127.0.0.1");
      expect(new URL(app.metricsUrl ?? "").hostname).toBe("0.0.0.0");
    } finally {
      await app.close();
    }
  });
});
