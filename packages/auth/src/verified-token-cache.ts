/**
 * Remembers access tokens this process already verified, until they expire.
 * A token is immutable: the same string always carries the same claims, so a
 * hit skips the HMAC and the JSON work (most requests of a session repeat one
 * token for its whole lifetime). Bounded: the oldest entries go first.
 */
export interface VerifiedTokenCache<T extends { exp: number }> {
  get(token: string, nowSeconds: number): T | undefined;
  set(token: string, claims: T): void;
}

export function createVerifiedTokenCache<T extends { exp: number }>(maxEntries: number): VerifiedTokenCache<T> {
  const entries = new Map<string, T>();
  return {
    get(token, nowSeconds) {
      const claims = entries.get(token);
      if (claims === undefined) return undefined;
      if (nowSeconds >= claims.exp) {
        entries.delete(token);
        return undefined;
      }
      return claims;
    },
    set(token, claims) {
      if (maxEntries <= 0) return;
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(token, claims);
    },
  };
}
