import { describe, expect, it } from "vitest";
import { readAuthenticationClaims } from "./authentication-claims.js";
import { AuthError } from "./errors.js";
import { assuranceLevelOf, combineAmr, meetsLevel } from "./protocol/assurance.js";

describe("assurance levels from amr", () => {
  it("counts distinct factor kinds only: the same factor twice is one factor", () => {
    expect(assuranceLevelOf(["pwd"])).toBe("password");
    expect(assuranceLevelOf(combineAmr(["pwd"], ["pwd"]))).toBe("password");
    expect(assuranceLevelOf(combineAmr(["otp"], ["otp"]))).toBe("password");
    expect(assuranceLevelOf(combineAmr(["pwd"], ["otp"]))).toBe("two-factor");
    expect(assuranceLevelOf(combineAmr(["pwd"], ["hwk"]))).toBe("two-factor");
  });

  it("never takes a claimed mfa or a lone user verification as evidence", () => {
    expect(assuranceLevelOf(["mfa"])).toBeUndefined();
    expect(assuranceLevelOf(["pwd", "mfa"])).toBe("password");
    expect(assuranceLevelOf(["pwd", "user"])).toBe("password");
    expect(combineAmr(["pwd", "mfa"], ["pwd"])).toEqual(["pwd"]);
    expect(assuranceLevelOf([])).toBeUndefined();
  });

  it("takes a key bound to the origin with user verification as phishing-resistant", () => {
    expect(assuranceLevelOf(["hwk", "user"])).toBe("phishing-resistant");
    expect(assuranceLevelOf(["swk", "user"])).toBe("phishing-resistant");
    expect(assuranceLevelOf(["swk"])).toBe("password");
    expect(combineAmr(["swk", "user"])).toEqual(["swk", "user", "mfa"]);
  });

  it("orders levels, and no level meets any", () => {
    expect(meetsLevel("phishing-resistant", "two-factor")).toBe(true);
    expect(meetsLevel("two-factor", "phishing-resistant")).toBe(false);
    expect(meetsLevel("password", "password")).toBe(true);
    expect(meetsLevel(undefined, "password")).toBe(false);
  });
});

describe("authentication claims of a verified token", () => {
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error instanceof AuthError ? error.code : "other";
    }
    return "accepted";
  };

  it("reads none from a token issued before step-up", () => {
    expect(readAuthenticationClaims({ sub: "u" })).toEqual({});
  });

  it("reads amr, auth_time and the acr they reach", () => {
    expect(readAuthenticationClaims({ amr: ["pwd", "otp", "mfa"], auth_time: 10, acr: "two-factor" })).toEqual({
      amr: ["pwd", "otp", "mfa"],
      auth_time: 10,
      acr: "two-factor",
    });
  });

  it("refuses malformed claims, and an acr its amr does not reach, as TOKEN_INVALID", () => {
    expect(code(() => readAuthenticationClaims({ amr: "pwd" }))).toBe("TOKEN_INVALID");
    expect(code(() => readAuthenticationClaims({ amr: ["pin"], acr: "password" }))).toBe("TOKEN_INVALID");
    expect(code(() => readAuthenticationClaims({ amr: ["pwd"], acr: "two-factor" }))).toBe("TOKEN_INVALID");
    expect(code(() => readAuthenticationClaims({ amr: ["pwd"], acr: "password", auth_time: "1" }))).toBe(
      "TOKEN_INVALID",
    );
    expect(code(() => readAuthenticationClaims({ acr: "password" }))).toBe("TOKEN_INVALID");
  });
});
