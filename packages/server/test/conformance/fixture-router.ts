import { z } from "zod";
import {
  authedProcedure,
  mergeRouters,
  protectedMutation,
  publicProcedure,
  router,
  stepUpProcedure,
  userProcedure,
} from "../../src/index.js";
import { appRouter as tollgateRouter } from "../../src/routers/index.js";

/**
 * An app built on Tollgate as a user would write it: its own procedures,
 * merged with Tollgate's. None of them does a security check of its own.
 */
const notes = new Map<string, string[]>();

const notesRouter = router({
  notes: router({
    list: authedProcedure.query(({ ctx }) => notes.get(ctx.session.userId) ?? []),
    add: protectedMutation.input(z.object({ text: z.string().min(1) })).mutation(({ ctx, input }) => {
      const own = notes.get(ctx.session.userId) ?? [];
      own.push(input.text);
      notes.set(ctx.session.userId, own);
      return own.length;
    }),
    /** Written with authedProcedure, not protectedMutation: still CSRF-checked for cookie callers. */
    clear: authedProcedure.mutation(({ ctx }) => notes.delete(ctx.session.userId)),
  }),
  ping: publicProcedure.mutation(() => "pong" as const),
  /** Step-up in one line: a recent proof (60 s), or two distinct factors (STEP_UP_MAX_AGE). */
  vault: router({
    open: stepUpProcedure({ maxAge: 60 }).mutation(({ ctx }) => ({ opened: ctx.session.userId })),
    strong: stepUpProcedure({ level: "two-factor" }).query(() => "two factors" as const),
  }),
  /** ctx.user: the signed-in user, typed. */
  whoami: userProcedure.query(({ ctx }) => ({ username: ctx.user.username, sessionId: ctx.session.sessionId })),
});

export const conformanceRouter = mergeRouters(tollgateRouter, notesRouter);
export type ConformanceRouter = typeof conformanceRouter;
