import { authedProcedure, mergeRouters, protectedMutation, router, tollgateRouter } from "@tollgate/server";
import { z } from "zod";

// The app's own procedures, behind Tollgate's rules (signed in; CSRF and Origin on the mutation).
const notes = new Map<string, string[]>();

export const appRouter = mergeRouters(
  tollgateRouter,
  router({
    notes: router({
      list: authedProcedure.query(({ ctx }) => notes.get(ctx.session.userId) ?? []),
      add: protectedMutation.input(z.object({ text: z.string().min(1).max(200) })).mutation(({ ctx, input }) => {
        const own = [...(notes.get(ctx.session.userId) ?? []), input.text];
        notes.set(ctx.session.userId, own);
        return own;
      }),
    }),
  }),
);

export type AppRouter = typeof appRouter;
