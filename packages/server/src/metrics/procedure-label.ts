/** The procedure label of a request that is not a tRPC call (/healthz, the page, anything else). */
export const OTHER = "other";
/** A tRPC batch of several calls (`/trpc/a,b`): its calls share one response, so one duration. */
export const BATCH = "batch";
/** A tRPC path naming no procedure. */
export const UNKNOWN = "unknown";

/**
 * Maps a request's tRPC path to a label of bounded cardinality: a procedure of
 * the router, or one of three fixed values. A URL a client made up never
 * becomes a label value (each would be a new time series).
 */
export function createProcedureLabeler(procedures: readonly string[]): (trpcPath: string | undefined) => string {
  const known = new Set(procedures);
  return (trpcPath) => {
    if (trpcPath === undefined) return OTHER;
    if (known.has(trpcPath)) return trpcPath;
    return trpcPath.includes(",") ? BATCH : UNKNOWN;
  };
}
