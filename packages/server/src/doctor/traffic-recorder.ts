/**
 * What the doctor needs to know of a running server's recent requests, kept
 * as flags of the last WINDOW requests (a ring of bytes and two running
 * counts: a constant, tiny cost per request, no headers or addresses kept).
 */
export interface TrafficRecorder {
  /** One request: whether it carried X-Forwarded-For, and whether it asked for the JWKS. */
  record(forwarded: boolean, jwks: boolean): void;
  facts(): { requests: number; forwarded: number; jwksRequests: number };
}

const WINDOW = 1024;
const FORWARDED = 1;
const JWKS = 2;

export function createTrafficRecorder(): TrafficRecorder {
  const ring = new Uint8Array(WINDOW);
  let next = 0;
  let filled = 0;
  let forwarded = 0;
  let jwksRequests = 0;
  return {
    record(isForwarded, isJwks) {
      const old = ring[next] ?? 0;
      if (filled === WINDOW) {
        if (old & FORWARDED) forwarded--;
        if (old & JWKS) jwksRequests--;
      } else filled++;
      const flags = (isForwarded ? FORWARDED : 0) | (isJwks ? JWKS : 0);
      ring[next] = flags;
      if (isForwarded) forwarded++;
      if (isJwks) jwksRequests++;
      next = (next + 1) % WINDOW;
    },
    facts: () => ({ requests: filled, forwarded, jwksRequests }),
  };
}
