import { beforeAll, describe, expect, it } from "vitest";
import { checkOrigin, createCsrfTokens, normalizeOrigin } from "./csrf.js";
import { AuthError } from "./errors.js";
import { createKeyring, type Keyring } from "./keyring.js";

let keyring: Keyring;
beforeAll(async () => {
  keyring = await createKeyring("k".repeat(32), ["p".repeat(32)]);
});

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

describe("CSRF tokens", () => {
  it("accepts the session's own token echoed in the header", () => {
    const csrf = createCsrfTokens(keyring);
    const token = csrf.issue("session-a");
    expect(codeOf(() => csrf.verify({ header: token, cookie: token, sessionId: "session-a" }))).toBeUndefined();
  });

  it("refuses missing, mismatched, malformed and other-session tokens", () => {
    const csrf = createCsrfTokens(keyring);
    const mine = csrf.issue("session-a");
    const theirs = csrf.issue("session-b");
    expect(codeOf(() => csrf.verify({ header: undefined, cookie: mine, sessionId: "session-a" }))).toBe("CSRF");
    expect(codeOf(() => csrf.verify({ header: mine, cookie: undefined, sessionId: "session-a" }))).toBe("CSRF");
    expect(codeOf(() => csrf.verify({ header: theirs, cookie: mine, sessionId: "session-a" }))).toBe("CSRF");
    expect(codeOf(() => csrf.verify({ header: theirs, cookie: theirs, sessionId: "session-a" }))).toBe("CSRF");
    expect(codeOf(() => csrf.verify({ header: "a.b.c", cookie: "a.b.c", sessionId: "session-a" }))).toBe("CSRF");
    expect(codeOf(() => csrf.verify({ header: "a!.b", cookie: "a!.b", sessionId: "session-a" }))).toBe("CSRF");
    const long = "a".repeat(200);
    expect(codeOf(() => csrf.verify({ header: long, cookie: long, sessionId: "session-a" }))).toBe("CSRF");
  });

  it("accepts tokens made with a previous secret", async () => {
    const old = createCsrfTokens(await createKeyring("p".repeat(32)));
    const token = old.issue("s");
    expect(
      codeOf(() => createCsrfTokens(keyring).verify({ header: token, cookie: token, sessionId: "s" })),
    ).toBeUndefined();
  });
});

describe("checkOrigin", () => {
  const base = {
    selfOrigin: "https://api.example.com",
    allowedOrigins: ["https://app.example.com"],
    secFetchSite: undefined,
  };
  it("allows the own origin, listed origins and non-browser clients", () => {
    expect(codeOf(() => checkOrigin({ ...base, origin: "https://api.example.com" }))).toBeUndefined();
    expect(codeOf(() => checkOrigin({ ...base, origin: "https://app.example.com" }))).toBeUndefined();
    expect(codeOf(() => checkOrigin({ ...base, origin: undefined }))).toBeUndefined();
    expect(codeOf(() => checkOrigin({ ...base, origin: undefined, secFetchSite: "same-origin" }))).toBeUndefined();
  });
  it("refuses other origins, Origin: null, and cross-site requests without Origin", () => {
    expect(codeOf(() => checkOrigin({ ...base, origin: "https://evil.example" }))).toBe("ORIGIN");
    expect(codeOf(() => checkOrigin({ ...base, origin: "null" }))).toBe("ORIGIN");
    expect(codeOf(() => checkOrigin({ ...base, origin: "https://api.example.com.evil.example" }))).toBe("ORIGIN");
    expect(codeOf(() => checkOrigin({ ...base, origin: undefined, secFetchSite: "cross-site" }))).toBe("ORIGIN");
    expect(codeOf(() => checkOrigin({ ...base, origin: undefined, secFetchSite: "same-site" }))).toBe("ORIGIN");
  });
});

describe("normalizeOrigin", () => {
  it("normalizes and validates", () => {
    expect(normalizeOrigin("https://App.Example.com:443")).toBe("https://app.example.com");
    expect(normalizeOrigin("http://localhost:5173")).toBe("http://localhost:5173");
    expect(() => normalizeOrigin("ftp://x")).toThrow(TypeError);
    expect(() => normalizeOrigin("https://x/path")).toThrow(TypeError);
    expect(() => normalizeOrigin("not a url")).toThrow(TypeError);
  });
});
