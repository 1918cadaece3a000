import type { RevokeReason, Sessions } from "@tollgate/auth";
import type { AnySignInMethod, MethodHookServices } from "../methods/method.js";
import type { Services } from "../services.js";
import type { PendingSignInStore } from "../stores/pending-sign-in-store.js";
import { hookServices, methodsOf } from "./served-methods.js";

/** What ending a user's sessions needs: a running instance's services, or the CLI's own stores. */
export interface EndSessionsDeps {
  readonly sessions: Pick<Sessions, "revokeAllForUser">;
  readonly pendingSignIns: Pick<PendingSignInStore, "endAll">;
  readonly methods: readonly AnySignInMethod[];
  readonly hookServices: MethodHookServices;
}

/**
 * Ends every session of a user: their refresh tokens stop rotating and their
 * access tokens are refused on every instance within the revocation feed's
 * second; sign-ins waiting for a second factor end too, and each method drops
 * what would outlive them (a code mailed for sign-in, the Django app's
 * tokens). How many sessions ended.
 */
export async function endEverySessionWith(
  deps: EndSessionsDeps,
  userId: string,
  reason: RevokeReason,
): Promise<number> {
  const revoked = await deps.sessions.revokeAllForUser(userId, reason);
  await deps.pendingSignIns.endAll(userId);
  for (const method of deps.methods) await method.hooks?.onSignOutEverywhere?.(deps.hookServices, userId);
  return revoked;
}

/** endEverySessionWith a running instance's services. */
export function endEverySession(services: Services, userId: string, reason: RevokeReason): Promise<number> {
  return endEverySessionWith(
    {
      sessions: services.auth.sessions,
      pendingSignIns: services.pendingSignIns,
      methods: methodsOf(services),
      hookServices: hookServices(services),
    },
    userId,
    reason,
  );
}
