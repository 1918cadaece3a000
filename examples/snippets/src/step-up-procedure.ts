import { router, stepUpProcedure } from "@tollgate/server";
import { z } from "zod";

const projects = new Map<string, Set<string>>();

export const projectsRouter = router({
  // An older or weaker proof than asked answers 403 STEP_UP_REQUIRED with data.stepUp (what would satisfy it).
  // maxAge defaults to STEP_UP_MAX_AGE, level to "password"; the session row decides, not the access token.
  delete: stepUpProcedure({ maxAge: 600, level: "two-factor" })
    .input(z.object({ id: z.string().max(64) }))
    .mutation(({ ctx, input }) => projects.get(ctx.session.userId)?.delete(input.id) ?? false),
});
