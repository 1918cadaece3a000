import { QueryClient } from "@tanstack/react-query";
import { createTollgateReact } from "@tollgate/react";
import { mergeRouters, protectedMutation, router, tollgateRouter } from "@tollgate/server";
import { describe, expectTypeOf, it } from "vitest";

const appRouter = mergeRouters(
  tollgateRouter,
  router({ notes: router({ add: protectedMutation.input((v) => v as { text: string }).mutation(() => 1) }) }),
);

describe("createTollgateReact types", () => {
  it("types the app's procedures in the options proxy", () => {
    const { trpc, client } = createTollgateReact<typeof appRouter>({ url: "/trpc", queryClient: new QueryClient() });
    expectTypeOf(client.notes.add.mutate).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(trpc.notes.add.mutationOptions).toBeFunction();
    // @ts-expect-error: a router without Tollgate's is refused
    createTollgateReact<typeof router>({ url: "/trpc", queryClient: new QueryClient() });
  });
});
