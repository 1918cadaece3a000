import { requireRecentProof, type StepUpRequirement } from "./core/step-up.js";
import { authedProcedure } from "./trpc.js";

/**
 * A signed-in procedure that also needs a recent, strong enough proof of
 * identity (step-up), in one line:
 *
 * ```ts
 * const deleteProject = stepUpProcedure({ maxAge: 600, level: "two-factor" }).mutation(...);
 * ```
 *
 * A session whose last sign-in or step-up is older than `maxAge` seconds
 * (default STEP_UP_MAX_AGE), or whose proof is weaker than `level` (default
 * "password"), is refused with FORBIDDEN, `data.authCode: "STEP_UP_REQUIRED"`
 * and `data.stepUp` (the levels and the methods that would satisfy it). The
 * client proves it again with auth.stepUp.verify and retries; the session
 * stays the same. Everything authedProcedure checks (token, CSRF for cookie
 * mutations, Origin) comes first.
 */
export function stepUpProcedure(requirement: StepUpRequirement = {}) {
  if (requirement.maxAge !== undefined && !(Number.isInteger(requirement.maxAge) && requirement.maxAge > 0)) {
    throw new TypeError("stepUpProcedure: maxAge must be a positive whole number of seconds");
  }
  return authedProcedure.use(async ({ ctx, next }) => {
    await requireRecentProof(ctx, ctx.session, requirement);
    return next();
  });
}
