import { authedProcedure, protectedMutation, router } from "@tollgate/server";
import { z } from "zod";

// Your own procedures. authedProcedure: signed in, `ctx.session.userId` typed.
// Mutations get Tollgate's Origin and CSRF checks without a line of yours.
const notes = new Map<string, string[]>();

export const notesRouter = router({
  list: authedProcedure.query(({ ctx }) => notes.get(ctx.session.userId) ?? []),
  create: protectedMutation.input(z.object({ text: z.string().min(1).max(1000) })).mutation(({ ctx, input }) => {
    const own = [...(notes.get(ctx.session.userId) ?? []), input.text];
    notes.set(ctx.session.userId, own);
    return own.length;
  }),
});
