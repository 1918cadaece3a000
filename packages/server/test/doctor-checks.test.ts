import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { measureClockSkew } from "../src/doctor/clock-probe.js";
import { siteOf } from "../src/doctor/cookie-checks.js";
import { networkFileSystemOf } from "../src/doctor/embedded-probe.js";
import { CHECK_IDS, runChecks } from "../src/doctor/registry.js";
import { secretFindings } from "../src/doctor/secret-checks.js";
import { createTrafficRecorder } from "../src/doctor/traffic-recorder.js";

// The doctor's parts in this process: what each check concludes from facts
// given to it (the CLI and /healthz?verbose tests run them for real).

describe("the doctor's checks", () => {
  it("never calls a random secret weak, in any encoding operators generate", () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(32);
      for (const secret of [bytes.toString("base64url"), bytes.toString("hex"), bytes.toString("base64")]) {
        expect(secretFindings(secret, [])).toEqual([]);
      }
    }
  });

  it("calls weak what others may hold: placeholders in any spelling, patterns, short values", () => {
    const idsOf = (secret: string) => secretFindings(secret, []).map((f) => f.id);
    expect(idsOf("CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME")).toEqual(["TG-AUTH-SECRET-KNOWN"]);
    expect(idsOf("my-super-secret-key-for-jwt-signing-in-prod")).toEqual(["TG-AUTH-SECRET-KNOWN"]);
    expect(idsOf("abcabcabcabcabcabcabcabcabcabcabcabc")).toEqual(["TG-AUTH-SECRET-KNOWN"]);
    expect(idsOf("0".repeat(64))).toEqual(["TG-AUTH-SECRET-KNOWN"]);
    expect(idsOf(randomBytes(16).toString("hex").slice(0, 31))).toEqual(["TG-AUTH-SECRET-SHORT"]);
    // A multi-byte secret is measured in bytes, as the configuration does.
    expect(idsOf("ü".repeat(15))).toEqual(["TG-AUTH-SECRET-SHORT"]);
  });

  it("judges sites with the Public Suffix List (schemeful, as SameSite does)", () => {
    expect(siteOf("https://auth.example.co.uk")).toBe(siteOf("https://app.example.co.uk"));
    expect(siteOf("https://a.github.io")).not.toBe(siteOf("https://b.github.io"));
    expect(siteOf("http://app.example.com")).not.toBe(siteOf("https://app.example.com"));
    expect(siteOf("http://127.0.0.1:5173")).toBe("http://127.0.0.1");
  });

  it("keeps the last 1024 requests: old ones leave the counts as new ones come", () => {
    const traffic = createTrafficRecorder();
    for (let i = 0; i < 10; i++) traffic.record(true, i < 2);
    expect(traffic.facts()).toEqual({ requests: 10, forwarded: 10, jwksRequests: 2 });
    for (let i = 0; i < 1024; i++) traffic.record(false, false);
    expect(traffic.facts()).toEqual({ requests: 1024, forwarded: 0, jwksRequests: 0 });
  });

  it("measures skew against the midpoint of our clock around the query, so the round trip is not skew", async () => {
    const readings = [1_000_000, 1_000_400];
    const now = () => readings.shift() ?? Number.NaN;
    expect(await measureClockSkew(async () => new Date(1_000_200), now)).toBe(0);
    const later = [5_000, 5_100];
    expect(
      await measureClockSkew(
        async () => new Date(12_050),
        () => later.shift() ?? Number.NaN,
      ),
    ).toBe(7_000);
  });

  it("a local directory is no network filesystem (and a missing one is not looked at)", () => {
    expect(networkFileSystemOf(mkdtempSync(join(tmpdir(), "tollgate-doctor-fs-")))).toBeUndefined();
    expect(networkFileSystemOf(join(tmpdir(), "no-such-dir", String(Date.now())))).toBeUndefined();
  });

  it("every ID is unique and TG-prefixed; the defaults alone raise only the generated-secret note", () => {
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
    for (const id of CHECK_IDS) expect(id).toMatch(/^TG-[A-Z0-9-]+$/);
    const config = parseConfig({ DATA_DIR: "memory://" });
    expect(runChecks({ config, live: {} }).map((f) => f.id)).toEqual(["TG-AUTH-SECRET-GENERATED"]);
  });

  it("the documentation's doctor page lists every ID the doctor may report, and no other", () => {
    const section = readFileSync(new URL("../../../docs/operations/doctor.md", import.meta.url), "utf8");
    const listed = [...section.matchAll(/^\| `(TG-[A-Z0-9-]+)` \|/gm)].map((match) => match[1]);
    expect([...listed].sort()).toEqual([...CHECK_IDS].sort());
  });
});
