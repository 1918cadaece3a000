import { serializeCookie } from "@tollgate/auth";
import type { Context } from "../../context.js";

/** The reference app's cookie names and the refresh cookie's Path: its front end's browsers hold these. */
export const DJANGO_ACCESS_COOKIE = "access_token";
export const DJANGO_REFRESH_COOKIE = "refresh_token";
export const DJANGO_REFRESH_PATH = "/accounts/auth/";

type CookieAttributes = Parameters<typeof serializeCookie>[2];

function parseLine(line: string): { name: string; value: string; maxAge: number } | undefined {
  const [pair = ""] = line.split(";", 1);
  const eq = pair.indexOf("=");
  const maxAge = /;\s*Max-Age=(\d+)/i.exec(line)?.[1];
  if (eq <= 0 || maxAge === undefined) return undefined;
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), maxAge: Number(maxAge) };
}

/**
 * The request's context with its cookies translated to the reference's:
 * everything Tollgate's core sets passes through unchanged (access and CSRF
 * cookies, device and pending cookies), except the refresh cookie, which is
 * set as the reference's `refresh_token` at Path /accounts/auth/ instead of
 * Tollgate's at /trpc/auth.refresh. A session is thus refreshed by the
 * surface that started it, and never holds two refresh cookies that would
 * fall out of step (the stale one would later count as theft). When
 * Tollgate's access cookie is prefixed (COOKIE_SECURE: `__Host-access_token`),
 * the reference's `access_token` is set beside it.
 */
export function withDjangoCookies(ctx: Context): Context {
  const { config, auth } = ctx.services;
  const names = auth.cookies.names;
  const base = {
    domain: config.cookieDomain,
    secure: config.cookieSecure,
    sameSite: config.cookieSameSite,
    httpOnly: true,
  };
  const access = (maxAge: number): CookieAttributes => ({ ...base, path: "/", maxAge });
  const refresh = (maxAge: number): CookieAttributes => ({ ...base, path: DJANGO_REFRESH_PATH, maxAge });
  return {
    ...ctx,
    setCookies(lines) {
      const out: string[] = [];
      for (const line of lines) {
        const cookie = parseLine(line);
        if (cookie?.name === names.refreshToken) {
          out.push(serializeCookie(DJANGO_REFRESH_COOKIE, cookie.value, refresh(cookie.maxAge)));
          continue;
        }
        out.push(line);
        if (cookie?.name === names.accessToken && names.accessToken !== DJANGO_ACCESS_COOKIE) {
          out.push(serializeCookie(DJANGO_ACCESS_COOKIE, cookie.value, access(cookie.maxAge)));
        }
      }
      ctx.setCookies(out);
    },
  };
}
