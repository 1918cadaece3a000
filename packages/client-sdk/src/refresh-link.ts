import type { TRPCLink } from "@trpc/client";
// biome-ignore lint/style/noRestrictedImports: a type only, erased from the bundle (the router constraint)
import type { AnyTRPCRouter } from "@trpc/server";
// The observable helpers @trpc/client itself is built on (browser-safe, no server code).
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { isUnauthorized } from "./errors.js";
import { SIGN_IN_PROCEDURES, SIGN_OUT_PROCEDURES } from "./procedures.js";
import type { Refresher } from "./refresher.js";
import type { Grant } from "./token-timing.js";

/** A sign-in's answer: its expiry and, from the response (httpLink's context), the server's Date. */
function grantOf(data: unknown, context: unknown): Grant | undefined {
  const accessTokenExpiresAt = (data as { accessTokenExpiresAt?: unknown } | null)?.accessTokenExpiresAt;
  if (typeof accessTokenExpiresAt !== "number") return undefined;
  const response = (context as { response?: { headers?: Headers } } | undefined)?.response;
  return { accessTokenExpiresAt, serverDate: response?.headers?.get("date") };
}

/**
 * Shaped like tRPC's retryLink: on an operation's UNAUTHORIZED (alone or
 * inside a 207 batch), wait for the one shared refresh, then retry that
 * operation once. Also tells the refresher about sign-ins and sign-outs.
 */
export function refreshLink<TRouter extends AnyTRPCRouter>(refresher: Refresher, now: () => number): TRPCLink<TRouter> {
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
                const grant = SIGN_IN_PROCEDURES.has(op.path) ? grantOf(data, envelope.context) : undefined;
                if (grant) refresher.signedIn(grant);
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
