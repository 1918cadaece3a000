const ALLOWED_HEADERS = "content-type, x-csrf-token, authorization, trpc-accept";

export interface CorsAnswer {
  /** Headers to add to the response. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Set for a preflight (OPTIONS): the status to answer it with, at once. */
  readonly preflightStatus: number | undefined;
}

/** CORS with credentials for the listed origins only, whatever the transport. */
export function corsAnswer(origin: string | undefined, method: string, allowed: readonly string[]): CorsAnswer {
  const listed = origin !== undefined && allowed.includes(origin);
  const headers: [string, string][] = [];
  if (listed) {
    headers.push(["Access-Control-Allow-Origin", origin], ["Access-Control-Allow-Credentials", "true"]);
  }
  if (method !== "OPTIONS") return { headers, preflightStatus: undefined };
  headers.push(["Vary", "Origin"]);
  if (listed) {
    headers.push(
      ["Access-Control-Allow-Methods", "GET, POST"],
      ["Access-Control-Allow-Headers", ALLOWED_HEADERS],
      ["Access-Control-Max-Age", "600"],
    );
  }
  // Unlisted origins get no CORS headers: the browser refuses the real request.
  return { headers, preflightStatus: listed ? 204 : 403 };
}
