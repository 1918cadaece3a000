/**
 * A backing service could not be reached. The message names the service and
 * is safe to send to clients (it becomes a 503); the driver's own error is the
 * `cause`, logged but never sent. Raised where the driver is called (the
 * database dialect wrapper, the Redis counter), so the rest of the server
 * recognises outages by type, never by a driver's message text.
 */
export class BackendUnavailableError extends Error {
  override readonly name: string = "BackendUnavailableError";
}

/** The database is down, restarting, or refused the connection. */
export class DatabaseUnavailableError extends BackendUnavailableError {
  override readonly name = "DatabaseUnavailableError";
  constructor(options?: { cause?: unknown }) {
    super("Database unavailable, try again shortly", options);
  }
}

/** The nearest BackendUnavailableError in an error's cause chain (cycles cut). */
export function findUnavailable(error: unknown): BackendUnavailableError | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    if (current instanceof BackendUnavailableError) return current;
    seen.add(current);
  }
  return undefined;
}
