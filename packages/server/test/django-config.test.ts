import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.js";

function errorLine(env: Record<string, string>): string {
  try {
    parseConfig({ DATA_DIR: "memory://", ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const KEY = "a-secret-key-of-the-django-app-0123456789abcdefghijklmnop";

describe("the Django compatibility settings", () => {
  it("are off by default", () => {
    expect(parseConfig({})).toMatchObject({
      djangoCompat: false,
      djangoSecretKey: undefined,
      djangoCutoverUntil: undefined,
      djangoJwtAlgorithm: "HS256",
      djangoJwtUserIdClaim: "user_id",
    });
  });

  it("read DJANGO_COMPAT, DJANGO_SECRET_KEY, DJANGO_CUTOVER_UNTIL and SimpleJWT's overrides", () => {
    const config = parseConfig({
      DJANGO_COMPAT: "on",
      DJANGO_SECRET_KEY: KEY,
      DJANGO_CUTOVER_UNTIL: "2027-01-31T18:00:00+01:00",
      DJANGO_JWT_ALGORITHM: "HS512",
      DJANGO_JWT_USER_ID_CLAIM: "uid",
    });
    expect(config).toMatchObject({
      djangoCompat: true,
      djangoSecretKey: KEY,
      djangoCutoverUntil: Date.UTC(2027, 0, 31, 17),
      djangoJwtAlgorithm: "HS512",
      djangoJwtUserIdClaim: "uid",
    });
    // A date alone is its first instant, UTC.
    expect(
      parseConfig({ DJANGO_COMPAT: "on", DJANGO_SECRET_KEY: KEY, DJANGO_CUTOVER_UNTIL: "2027-01-31" })
        .djangoCutoverUntil,
    ).toBe(Date.UTC(2027, 0, 31));
  });

  it("refuse to start with one line naming the variable", () => {
    expect(errorLine({ DJANGO_COMPAT: "yes" })).toBe("Invalid configuration: DJANGO_COMPAT must be off or on");
    expect(errorLine({ DJANGO_SECRET_KEY: KEY, DJANGO_CUTOVER_UNTIL: "2027-01-31" })).toBe(
      "Invalid configuration: DJANGO_SECRET_KEY is only used with DJANGO_COMPAT=on",
    );
    expect(errorLine({ DJANGO_COMPAT: "on", DJANGO_SECRET_KEY: KEY })).toBe(
      "Invalid configuration: DJANGO_CUTOVER_UNTIL is required when DJANGO_SECRET_KEY is set (the Django tokens' window must end)",
    );
    expect(errorLine({ DJANGO_COMPAT: "on", DJANGO_CUTOVER_UNTIL: "2027-01-31" })).toBe(
      "Invalid configuration: DJANGO_CUTOVER_UNTIL is only used with DJANGO_SECRET_KEY",
    );
    for (const bad of ["next friday", "2027-13-45", "31/01/2027", "2027-01-31T18:00"]) {
      expect(errorLine({ DJANGO_COMPAT: "on", DJANGO_SECRET_KEY: KEY, DJANGO_CUTOVER_UNTIL: bad })).toBe(
        "Invalid configuration: DJANGO_CUTOVER_UNTIL must be an ISO 8601 date (2026-12-31 or 2026-12-31T18:00:00Z)",
      );
    }
    // The key is a shared secret: only HMAC algorithms can use it.
    // Django's own check of a production key (security.W009): anyone holding a weak one could mint tokens.
    for (const weak of [
      "django-insecure-0123456789abcdefghijklmnopqrstuvwxyz0123456789abc",
      "short-key",
      "a".repeat(60),
    ]) {
      expect(errorLine({ DJANGO_COMPAT: "on", DJANGO_SECRET_KEY: weak, DJANGO_CUTOVER_UNTIL: "2027-01-31" })).toMatch(
        /^Invalid configuration: DJANGO_SECRET_KEY must be the Django app's production SECRET_KEY/,
      );
    }
    // Django's key must never be Tollgate's own: its holder could sign Tollgate's access tokens for good.
    const window = { DJANGO_COMPAT: "on", DJANGO_CUTOVER_UNTIL: "2027-01-31" };
    expect(errorLine({ ...window, AUTH_SECRET: KEY, DJANGO_SECRET_KEY: KEY })).toBe(
      "Invalid configuration: DJANGO_SECRET_KEY must differ from AUTH_SECRET and AUTH_SECRET_PREVIOUS (it is the Django app's key, not Tollgate's)",
    );
    const current = "t".repeat(20) + KEY;
    expect(errorLine({ ...window, AUTH_SECRET: current, AUTH_SECRET_PREVIOUS: KEY, DJANGO_SECRET_KEY: KEY })).toMatch(
      /DJANGO_SECRET_KEY must differ from AUTH_SECRET/,
    );
    expect(errorLine({ DJANGO_JWT_ALGORITHM: "RS256" })).toBe(
      "Invalid configuration: DJANGO_JWT_ALGORITHM must be HS256, HS384 or HS512",
    );
    expect(errorLine({ DJANGO_JWT_USER_ID_CLAIM: "user id" })).toBe(
      "Invalid configuration: DJANGO_JWT_USER_ID_CLAIM must be a claim name (letters, digits, _)",
    );
  });
});
