import type { RevokeReason } from "@tollgate/auth";
import type { Services } from "../services.js";
import { hookServices, methodsOf } from "./served-methods.js";

/**
 * Ends every session of a user: their refresh tokens stop rotating and their
 * access tokens are refused on every instance within the revocation feed's
 * second; sign-ins waiting for a second factor end too, and each method drops
 * what would outlive them (a code mailed for sign-in). How many sessions ended.
 */
export async function endEverySession(services: Services, userId: string, reason: RevokeReason): Promise<number> {
  const revoked = await services.auth.sessions.revokeAllForUser(userId, reason);
  await services.pendingSignIns.endAll(userId);
  const hooks = hookServices(services);
  for (const method of methodsOf(services)) await method.hooks?.onSignOutEverywhere?.(hooks, userId);
  return revoked;
}
