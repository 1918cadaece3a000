import { describe, expect, it } from "vitest";
import { createSessionCookies, serializeCookie } from "./cookies.js";
import { parseCookieHeader } from "./protocol/cookie-header.js";

const policy = {
  secure: false,
  sameSite: "lax" as const,
  refreshPath: "/trpc/auth.refresh",
  accessTokenTtl: 900,
  refreshTokenTtl: 2592000,
};
const values = { accessToken: "a.b.c", refreshToken: "r.s", csrfToken: "c.d" };

describe("session cookies", () => {
  it("sets the contract's defaults", () => {
    const cookies = createSessionCookies(policy);
    expect(cookies.set(values)).toEqual([
      "access_token=a.b.c; Path=/; Max-Age=900; HttpOnly; SameSite=Lax",
      "refresh_token=r.s; Path=/trpc/auth.refresh; Max-Age=2592000; HttpOnly; SameSite=Lax",
      "csrf_token=c.d; Path=/; Max-Age=2592000; SameSite=Lax",
    ]);
  });

  it("clears with the same Path and Domain and Max-Age=0", () => {
    const cookies = createSessionCookies({ ...policy, secure: true, domain: "example.com" });
    expect(cookies.clear()).toEqual([
      "__Secure-access_token=; Path=/; Max-Age=0; Domain=example.com; HttpOnly; Secure; SameSite=Lax",
      "__Secure-refresh_token=; Path=/trpc/auth.refresh; Max-Age=0; Domain=example.com; HttpOnly; Secure; SameSite=Lax",
      "__Secure-csrf_token=; Path=/; Max-Age=0; Domain=example.com; Secure; SameSite=Lax",
    ]);
  });

  it.each([
    [{ secure: false }, ["access_token", "refresh_token", "csrf_token"]],
    [{ secure: true }, ["__Host-access_token", "__Secure-refresh_token", "__Host-csrf_token"]],
    [
      { secure: true, domain: "example.com" },
      ["__Secure-access_token", "__Secure-refresh_token", "__Secure-csrf_token"],
    ],
    [
      { secure: true, sameSite: "none" as const },
      ["__Host-access_token", "__Secure-refresh_token", "__Host-csrf_token"],
    ],
    [
      { secure: true, sameSite: "strict" as const },
      ["__Host-access_token", "__Secure-refresh_token", "__Host-csrf_token"],
    ],
  ])("prefixes names for %j", (overrides, names) => {
    const cookies = createSessionCookies({ ...policy, ...overrides });
    expect(Object.values(cookies.names)).toEqual(names);
    const set = cookies.set(values);
    for (const line of set) expect(line.includes("; Secure")).toBe(overrides.secure);
    if ("sameSite" in overrides && overrides.sameSite === "none") {
      expect(set.every((l) => l.endsWith("SameSite=None"))).toBe(true);
    }
  });

  it("refuses SameSite=None without Secure at construction", () => {
    expect(() => createSessionCookies({ ...policy, sameSite: "none" })).toThrow(TypeError);
  });

  it("refuses a bad domain or path", () => {
    expect(() => createSessionCookies({ ...policy, domain: "exa mple.com" })).toThrow(TypeError);
    expect(() => createSessionCookies({ ...policy, refreshPath: "relative" })).toThrow(TypeError);
  });
});

describe("serializeCookie", () => {
  const attrs = { path: "/", maxAge: 10, httpOnly: true, secure: true, sameSite: "strict" as const };
  it("enforces the prefix rules", () => {
    expect(() => serializeCookie("__Host-x", "v", { ...attrs, domain: "example.com" })).toThrow(/forbids Domain/);
    expect(() => serializeCookie("__Host-x", "v", { ...attrs, path: "/sub" })).toThrow(/Path=\//);
    expect(() => serializeCookie("__Host-x", "v", { ...attrs, secure: false })).toThrow(/Secure/);
    expect(() => serializeCookie("__Secure-x", "v", { ...attrs, secure: false })).toThrow(/Secure/);
    expect(serializeCookie("__Host-x", "v", attrs)).toBe(
      "__Host-x=v; Path=/; Max-Age=10; HttpOnly; Secure; SameSite=Strict",
    );
  });
  it("refuses bad names, values and max-age", () => {
    expect(() => serializeCookie("a b", "v", attrs)).toThrow(TypeError);
    expect(() => serializeCookie("a", "v;injected", attrs)).toThrow(TypeError);
    expect(() => serializeCookie("a", "v", { ...attrs, maxAge: -1 })).toThrow(TypeError);
    expect(() => serializeCookie("a", "v", { ...attrs, maxAge: 1.5 })).toThrow(TypeError);
  });
});

describe("parseCookieHeader", () => {
  it("keeps duplicates in order and unquotes values", () => {
    const parsed = parseCookieHeader('a=1; b="2"; a=3; junk; =x; c');
    expect(parsed.get("a")).toEqual(["1", "3"]);
    expect(parsed.get("b")).toEqual(["2"]);
    expect(parsed.size).toBe(2);
  });
  it("ignores invalid pairs and oversized headers", () => {
    expect(parseCookieHeader("a=\u00e9").size).toBe(0);
    expect(parseCookieHeader(undefined).size).toBe(0);
    expect(parseCookieHeader(`a=${"x".repeat(20000)}`).size).toBe(0);
  });
});
