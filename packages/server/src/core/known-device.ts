import { serializeCookie } from "@tollgate/auth";
import type { Context } from "../context.js";

/**
 * The known-device cookie: a browser that once completed a sign-in to an
 * account. It names the device (a random id) and the user, signed under a key
 * derived from AUTH_SECRET (`services.devices`). It grants nothing but one
 * thing: its sign-in attempts for that account skip the account-wide
 * progressive delay, so an attacker guessing from many networks cannot keep
 * the owner out (their attempts count on an (account, device) key of their
 * own instead). It is not a session cookie: signing out keeps it.
 */

/** Sent to every tRPC call, so it reaches auth.login and auth.mfa.verify, which travel alone at their own paths. */
export const KNOWN_DEVICE_PATH = "/trpc";
/** One year: a device stays known across sessions. */
export const KNOWN_DEVICE_MAX_AGE = 365 * 24 * 3600;

export function knownDeviceCookieName(ctx: Context): string {
  // Its Path is not "/", so __Host- is impossible: __Secure- with Secure.
  return ctx.services.config.cookieSecure ? "__Secure-known_device" : "known_device";
}

/**
 * The devices this request's cookies name, validly signed (tampered, foreign
 * or unsigned values are left out). Every value is looked at: a sibling
 * subdomain can toss junk values with a more specific Path in front of the
 * owner's, and the Cookie header's size bound (16 KiB) bounds the work.
 */
export function signedDevices(ctx: Context): { deviceId: string; userId: string }[] {
  const values = ctx.cookies.get(knownDeviceCookieName(ctx)) ?? [];
  return values.flatMap((value) => ctx.services.devices.read(value) ?? []);
}

/** The device id of this request's cookie when it is signed for `userId`; undefined otherwise (never throws). */
export function knownDeviceOf(ctx: Context, userId: string): string | undefined {
  return signedDevices(ctx).find((device) => device.userId === userId)?.deviceId;
}

/** After a completed sign-in: (re)sets the cookie for `userId`, keeping the device id it already had for them. */
export function rememberDevice(ctx: Context, userId: string): void {
  const { config, devices } = ctx.services;
  const token = devices.issue(userId, knownDeviceOf(ctx, userId));
  ctx.setCookies([
    serializeCookie(knownDeviceCookieName(ctx), token, {
      path: KNOWN_DEVICE_PATH,
      domain: config.cookieDomain,
      maxAge: KNOWN_DEVICE_MAX_AGE,
      httpOnly: true,
      secure: config.cookieSecure,
      sameSite: config.cookieSameSite,
    }),
  ]);
}
