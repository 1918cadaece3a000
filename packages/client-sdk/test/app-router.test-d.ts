import { createTollgateClient, type TollgateRouter, tollgateLinks } from "@tollgate/client-sdk";
import {
  authedProcedure,
  mergeRouters,
  protectedMutation,
  router,
  type AppRouter as TollgateAppRouter,
  tollgateRouter,
  userProcedure,
} from "@tollgate/server";
import { createTRPCClient } from "@trpc/client";
import { describe, expectTypeOf, it } from "vitest";

// An app's router: procedures of its own merged with Tollgate's, as the documentation shows.
const notesRouter = router({
  notes: router({
    list: authedProcedure.query(({ ctx }) => [{ id: 1, owner: ctx.session.userId, text: "hello" }]),
    add: protectedMutation.input((value) => value as { text: string }).mutation(({ input }) => input.text.length),
  }),
});
const appRouter = mergeRouters(tollgateRouter, notesRouter);
type AppRouter = typeof appRouter;

describe("procedure builders type the context", () => {
  it("ctx.session in authedProcedure, ctx.user in userProcedure", () => {
    authedProcedure.query(({ ctx }) => {
      expectTypeOf(ctx.session.userId).toEqualTypeOf<string>();
      expectTypeOf(ctx.session.via).toEqualTypeOf<"bearer" | "cookie">();
      // @ts-expect-error: authedProcedure does not read the user
      void ctx.user;
    });
    userProcedure.query(({ ctx }) => {
      expectTypeOf(ctx.user.username).toEqualTypeOf<string>();
      expectTypeOf(ctx.session.sessionId).toEqualTypeOf<string>();
    });
  });
});

describe("a client over an app's router that includes Tollgate's", () => {
  const api = createTollgateClient<AppRouter>({ url: "/trpc" });

  it("types the app's own procedures", () => {
    expectTypeOf(api.notes.list.query).returns.resolves.toEqualTypeOf<{ id: number; owner: string; text: string }[]>();
    expectTypeOf(api.notes.add.mutate).parameter(0).toEqualTypeOf<{ text: string }>();
    expectTypeOf(api.notes.add.mutate).returns.resolves.toEqualTypeOf<number>();
    // @ts-expect-error: text is a string
    void api.notes.add.mutate({ text: 1 });
  });

  it("keeps Tollgate's procedures as they are", () => {
    expectTypeOf(api.auth.login.mutate).parameter(0).toEqualTypeOf<{ username: string; password: string }>();
    expectTypeOf(api.user.me.query).returns.resolves.toHaveProperty("username").toEqualTypeOf<string>();
  });

  it("defaults to Tollgate's router, which has no notes", () => {
    const plain = createTollgateClient({ url: "/trpc" });
    expectTypeOf(plain.auth.refresh.mutate).returns.resolves.not.toBeAny();
    // @ts-expect-error: Tollgate's own router has no notes
    void plain.notes;
  });

  it("refuses a router without Tollgate's procedures", () => {
    expectTypeOf<AppRouter>().toExtend<TollgateRouter>();
    expectTypeOf<TollgateAppRouter>().toExtend<TollgateRouter>();
    expectTypeOf<typeof notesRouter>().not.toExtend<TollgateRouter>();
    // @ts-expect-error: notesRouter alone lacks auth.login, auth.refresh, …
    createTollgateClient<typeof notesRouter>({ url: "/trpc" });
  });

  it("hands its links to any tRPC client", () => {
    const client = createTRPCClient<AppRouter>({ links: tollgateLinks<AppRouter>({ url: "/trpc" }) });
    expectTypeOf(client.notes.add.mutate).returns.resolves.toEqualTypeOf<number>();
  });
});
