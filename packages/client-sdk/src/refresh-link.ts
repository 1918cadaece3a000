import type { AppRouter } from "@tollgate/server";
import type { TRPCLink } from "@trpc/client";
// The observable helpers @trpc/client itself is built on (browser-safe, no server code).
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { isUnauthorized } from "./errors.js";
import { SIGN_IN_PROCEDURES, SIGN_OUT_PROCEDURES } from "./procedures.js";
import type { Refresher } from "./refresher.js";

function expiryOf(data: unknown): number | undefined {
  const value = (data as { accessTokenExpiresAt?: unknown } | null)?.accessTokenExpiresAt;
  return typeof value === "number" ? value : undefined;
}

/**
 * Shaped like tRPC's retryLink: on an operation's UNAUTHORIZED (alone or
 * inside a 207 batch), wait for the one shared refresh, then retry that
 * operation once. Also tells the refresher about sign-ins and sign-outs.
 */
export function refreshLink(refresher: Refresher, now: () => number): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let current: Unsubscribable | undefined;
        let disposed = false;
        let retried = false;

        function attempt(sentAt: number): void {
          current = next(op).subscribe({
            next(envelope) {
              if (envelope.result.type === "data" || envelope.result.type === undefined) {
                const data = (envelope.result as { data?: unknown }).data;
                const expiresAt = SIGN_IN_PROCEDURES.has(op.path) ? expiryOf(data) : undefined;
                if (expiresAt !== undefined) refresher.signedIn(expiresAt);
                if (SIGN_OUT_PROCEDURES.has(op.path)) refresher.signedOut("signed-out");
              }
              observer.next(envelope);
            },
            error(error) {
              if (disposed) return;
              // A credential check's 401 is a wrong password, not an expired session.
              if (retried || SIGN_IN_PROCEDURES.has(op.path) || !isUnauthorized(error)) {
                observer.error(error);
                return;
              }
              retried = true;
              refresher.refresh(sentAt).then(
                (ok) => {
                  if (disposed) return;
                  if (ok) attempt(now());
                  else observer.error(error);
                },
                () => observer.error(error),
              );
            },
            complete() {
              observer.complete();
            },
          });
        }

        attempt(now());
        return () => {
          disposed = true;
          current?.unsubscribe();
        };
      });
}
