import { csrfFromCookieString } from "@tollgate/client-sdk";
import { describe, expect, it } from "vitest";
import { createForwardingJar } from "../src/forwarding-jar.js";

const api = "http://127.0.0.1:3000/trpc";
const at = (path: string) => `http://127.0.0.1:3000${path}`;

describe("the request-scoped cookie jar", () => {
  it("sends the browser's cookies to the API's origin only", async () => {
    const jar = createForwardingJar(api, "access_token=a1; csrf_token=c1");
    expect(await jar.getCookieString(at("/trpc/user.me"))).toBe("access_token=a1; csrf_token=c1");
    expect(await jar.getCookieString(at("/trpc/auth.refresh"))).toBe("access_token=a1; csrf_token=c1");
    expect(await jar.getCookieString("http://other.example/trpc/user.me")).toBe("");
  });

  it("honours Path: a cookie for /trpc/auth.refresh goes only there", async () => {
    const jar = createForwardingJar(api, undefined);
    await jar.setCookie("refresh_token=r2; Path=/trpc/auth.refresh; Max-Age=2592000; HttpOnly", at("/trpc/auth.login"));
    await jar.setCookie("access_token=a2; Path=/; Max-Age=900; HttpOnly", at("/trpc/auth.login"));
    expect(await jar.getCookieString(at("/trpc/auth.refresh"))).toBe("refresh_token=r2; access_token=a2");
    expect(await jar.getCookieString(at("/trpc/user.me"))).toBe("access_token=a2");
    expect(await jar.getCookieString(at("/trpc"))).toBe("access_token=a2");
  });

  it("honours Max-Age and Expires: an expired cookie is dropped, a live one kept", async () => {
    const jar = createForwardingJar(api, "access_token=a1; csrf_token=c1; theme=dark");
    await jar.setCookie("access_token=; Path=/; Max-Age=0", at("/trpc/auth.logout"));
    await jar.setCookie("csrf_token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", at("/trpc/auth.logout"));
    await jar.setCookie(`later=1; Path=/; Expires=${new Date(Date.now() + 3_600_000).toUTCString()}`, at("/trpc/x"));
    await jar.setCookie(`gone=1; Path=/; Expires=${new Date(Date.now() - 1_000).toUTCString()}`, at("/trpc/x"));
    expect(await jar.getCookieString(at("/trpc/user.me"))).toBe("theme=dark; later=1");
  });

  it("an answer's cookie replaces the browser's of the same name, whatever its Path: never two", async () => {
    const jar = createForwardingJar(api, "refresh_token=old; csrf_token=c1");
    await jar.setCookie("refresh_token=new; Path=/trpc/auth.refresh; Max-Age=100", at("/trpc/auth.refresh"));
    expect(await jar.getCookieString(at("/trpc/auth.refresh"))).toBe("refresh_token=new; csrf_token=c1");
    expect(await jar.getCookieString(at("/trpc/user.me"))).toBe("csrf_token=c1");
  });

  it("keeps the browser's __Host- cookies and reads the CSRF token with the browser's parser", async () => {
    const jar = createForwardingJar(api, "__Host-csrf_token=c3; other=1");
    expect(csrfFromCookieString(await jar.getCookieString(api))).toBe("c3");
  });

  it("records every Set-Cookie line, in order, to pass on", async () => {
    const jar = createForwardingJar(api, undefined);
    const lines = ["a=1; Path=/", "not a cookie line", "b=2; Path=/; Max-Age=0"];
    for (const line of lines) await jar.setCookie(line, at("/trpc/x"));
    expect(jar.setCookieHeaders()).toEqual(lines);
  });
});
