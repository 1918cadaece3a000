import { readFileSync } from "node:fs";
import { AUTH_ERROR_CODES } from "@tollgate/auth";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_SCHEMA } from "../../packages/server/src/config.js";
import { configurationPage, providerKeys, schemaVariables } from "../scripts/config-reference.js";
import { errorCodeRows, errorsPage } from "../scripts/errors-reference.js";

describe("the configuration reference", () => {
  const page = configurationPage();
  const rows = page.split("\n").filter((line) => line.startsWith("| `"));

  it("has a row for every environment variable the server's schema reads", () => {
    const names = Object.keys(ENVIRONMENT_SCHEMA);
    expect(names.length).toBeGreaterThan(30);
    expect(schemaVariables()).toEqual(names);
    for (const name of names) expect(rows.filter((row) => row.startsWith(`| \`${name}\` |`))).toHaveLength(1);
  });

  it("has a row for OIDC_PROVIDERS and for every per-provider variable oidc-config.ts reads", () => {
    const source = readFileSync(new URL("../../packages/server/src/oidc-config.ts", import.meta.url), "utf8");
    const read = [...source.matchAll(/(?:read|required)\("([A-Z_]+)"/g)].map((match) => match[1]);
    expect(new Set(providerKeys())).toEqual(new Set(read));
    expect(providerKeys()).toEqual(
      expect.arrayContaining(["ISSUER", "CLIENT_ID", "CLIENT_SECRET", "PRESET", "TENANT"]),
    );
    expect(rows.some((row) => row.startsWith("| `OIDC_PROVIDERS` |"))).toBe(true);
    for (const key of providerKeys()) expect(page).toContain(`| \`OIDC_<NAME>_${key}\` |`);
  });

  it("takes defaults and accepted values from the schema", () => {
    expect(page).toContain("| `ACCESS_TOKEN_TTL` | `900` | whole number ≥ 1 |");
    expect(page).toContain("| `ACCESS_TOKEN_ALG` | `HS256` | `HS256`, `EdDSA`, `ES256` |");
    expect(page).toContain("| `COOKIE_SECURE` | `false` | `true` / `false`");
    expect(page).toContain("| `REFRESH_REUSE_GRACE` | `10` | whole number, 0–300 |");
    expect(page).toContain("| `DATABASE_URL` | unset |");
  });
});

describe("the error-code reference", () => {
  const page = errorsPage();

  it("lists every code of AUTH_ERROR_CODES once, each with its doc comment", () => {
    expect(AUTH_ERROR_CODES.length).toBeGreaterThan(40);
    for (const code of AUTH_ERROR_CODES) {
      expect(page.split("\n").filter((line) => line.startsWith(`| \`${code}\` |`))).toHaveLength(1);
    }
    for (const row of errorCodeRows()) expect(row.meaning.length, row.code).toBeGreaterThan(10);
  });

  it("gives the tRPC code and HTTP status the server answers with", () => {
    expect(page).toContain("| `TOKEN_EXPIRED` | `UNAUTHORIZED` (401) |");
    expect(page).toContain("| `CURRENT_PASSWORD_WRONG` | `BAD_REQUEST` (400) |");
    expect(page).toContain("| `RATE_LIMITED` | `TOO_MANY_REQUESTS` (429) |");
    expect(page).toContain("| `BODY_NOT_JSON` | `UNSUPPORTED_MEDIA_TYPE` (415) |");
    expect(page).toContain("| `METHOD_NOT_ALLOWED` | `METHOD_NOT_SUPPORTED` (405) |");
  });
});
