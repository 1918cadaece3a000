import { randomUUID } from "node:crypto";
import { authedProcedure, type Context, protectedMutation, router } from "@tollgate/server";
import { z } from "zod";
import type { NotesDatabase } from "./notes-migrations.js";

/** Tollgate's database, seen with the notes table. */
function notesDb(ctx: Context) {
  return ctx.services.database.db.withTables<NotesDatabase>();
}

// Every query is scoped to ctx.session.userId: a user sees and deletes only their notes.
export const notesRouter = router({
  list: authedProcedure.query(({ ctx }) =>
    notesDb(ctx)
      .selectFrom("notes")
      .select(["id", "text", "created_at as createdAt"])
      .where("user_id", "=", ctx.session.userId)
      .orderBy("created_at")
      .orderBy("id")
      .execute(),
  ),
  create: protectedMutation
    .input(z.object({ text: z.string().trim().min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const note = {
        id: randomUUID(),
        user_id: ctx.session.userId,
        text: input.text,
        created_at: new Date().toISOString(),
      };
      await notesDb(ctx).insertInto("notes").values(note).execute();
      return { id: note.id, text: note.text, createdAt: note.created_at };
    }),
  delete: protectedMutation.input(z.object({ id: z.string() })).mutation(async ({ ctx, input }) => {
    const result = await notesDb(ctx)
      .deleteFrom("notes")
      .where("id", "=", input.id)
      .where("user_id", "=", ctx.session.userId)
      .executeTakeFirst();
    return { deleted: Number(result.numDeletedRows) };
  }),
});
