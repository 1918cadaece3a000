import { dictionary } from "@zxcvbn-ts/language-common";
import { describe, expect, it } from "vitest";
import { AuthError } from "./errors.js";
import { checkPasswordPolicy, MIN_PASSWORD_LENGTH, passwordRuleBroken } from "./password-policy.js";

describe("password policy", () => {
  it("checks against at least 10,000 common passwords of 8 characters or more", () => {
    const long = dictionary["passwords-common"].filter((p) => p.length >= MIN_PASSWORD_LENGTH);
    expect(long.length).toBeGreaterThanOrEqual(10_000);
    expect(passwordRuleBroken("password1")).toBe("common");
    expect(passwordRuleBroken("PassWord1")).toBe("common");
    expect(passwordRuleBroken("qwertyuiop")).toBe("common");
  });

  it("names the rule a password breaks", () => {
    expect(passwordRuleBroken("short")).toBe("too_short");
    expect(passwordRuleBroken("x".repeat(1025))).toBe("too_long");
    expect(passwordRuleBroken("x".repeat(1024))).toBeUndefined();
    expect(passwordRuleBroken("Alice-Liddell", { username: "alice-liddell" })).toBe("same_as_username");
    expect(passwordRuleBroken("alice@example.org", { username: "alice", email: "Alice@Example.org" })).toBe(
      "same_as_email",
    );
    expect(passwordRuleBroken("a long passphrase", { username: "alice", email: null })).toBeUndefined();
  });

  it("counts characters, not UTF-16 units, for the minimum", () => {
    expect(passwordRuleBroken("😀😀😀😀")).toBe("too_short");
    expect(passwordRuleBroken("😀😀😀😀😀😀😀😀")).toBeUndefined();
  });

  it("throws AuthError PASSWORD_POLICY with a message naming the rule", () => {
    let error: unknown;
    try {
      checkPasswordPolicy("short");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe("PASSWORD_POLICY");
    expect((error as AuthError).message).toMatch(/at least 8 characters/);
    expect(() => checkPasswordPolicy("letmein123")).toThrow(/most common passwords/);
  });
});
