/** What a sign-in or a refresh answered. */
export interface Grant {
  /** When the access token expires, on the server's clock (epoch ms). */
  readonly accessTokenExpiresAt: number;
  /** The response's Date header (the server's clock, whole seconds), when readable. */
  readonly serverDate?: string | null | undefined;
}

/** A refresh (or sign-in) as this machine saw it. Times only, never a token. */
export interface RefreshRecord {
  /** When the answer arrived, on this machine's clock (epoch ms). */
  readonly at: number;
  /** How long the access token lives from `at` (ms); undefined when that cannot be known. */
  readonly lifetimeMs: number | undefined;
}

/**
 * The access token's lifetime, measured on the server's clock so that a client
 * clock running ahead or behind changes nothing: expiry minus the response's
 * Date. Date has whole seconds (rounded down), so one second is taken off.
 * Without a readable Date (a cross-origin response that does not expose it),
 * this machine's clock stands in; a lifetime that comes out at zero or less
 * means that clock is wrong, and the lifetime is unknown.
 */
export function recordOf(grant: Grant, receivedAt: number): RefreshRecord {
  const serverNow = grant.serverDate ? Date.parse(grant.serverDate) : Number.NaN;
  const lifetimeMs = Number.isNaN(serverNow)
    ? grant.accessTokenExpiresAt - receivedAt
    : grant.accessTokenExpiresAt - serverNow - 1000;
  return { at: receivedAt, lifetimeMs: lifetimeMs > 0 ? lifetimeMs : undefined };
}

/** Refresh ahead of time no sooner than this after the last refresh, whatever the lifetime: never a loop. */
export const MIN_REFRESH_INTERVAL_MS = 5_000;

/**
 * How long after a refresh to refresh again: `leadMs` before expiry, but never
 * before half the lifetime nor before MIN_REFRESH_INTERVAL_MS (a TTL shorter
 * than the lead would otherwise refresh without pause).
 */
export function refreshDelay(lifetimeMs: number, leadMs: number): number {
  return Math.max(lifetimeMs - leadMs, lifetimeMs / 2, MIN_REFRESH_INTERVAL_MS);
}
