import { createTollgateClient, tollgateLinks } from "@tollgate/client-sdk";
import { CookieJar } from "@tollgate/client-sdk/node";
import { authedProcedure, mergeRouters, protectedMutation, router, tollgateRouter } from "@tollgate/server";
import type { TollgateTestServer } from "@tollgate/testing";
import { createTRPCClient } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingFetch, createClock, serverWithUser } from "./support.js";

// An app built on Tollgate: its own procedures next to Tollgate's, one server, one client.
const notes = new Map<string, string[]>();
const appRouter = mergeRouters(
  tollgateRouter,
  router({
    notes: router({
      list: authedProcedure.query(({ ctx }) => notes.get(ctx.session.userId) ?? []),
      add: protectedMutation
        .input((value) => value as { text: string })
        .mutation(({ ctx, input }) => {
          notes.set(ctx.session.userId, [...(notes.get(ctx.session.userId) ?? []), input.text]);
          return true;
        }),
    }),
  }),
);
type AppRouter = typeof appRouter;

describe("the SDK over an app's router that merges Tollgate's", () => {
  const clock = createClock();
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await serverWithUser({ clock, router: appRouter });
  });
  afterAll(() => server?.close());

  const options = () => ({
    url: `${server.url}/trpc`,
    cookieJar: new CookieJar(),
    crossTab: false,
    proactiveRefresh: false as const,
  });

  it("calls the app's procedures with the CSRF header and refreshes an expired token without the caller noticing", async () => {
    const counter = countingFetch();
    const api = createTollgateClient<AppRouter>({ ...options(), fetch: counter.fetch });
    await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    expect(await api.notes.add.mutate({ text: "first" })).toBe(true);
    clock.advance(901);
    expect(await api.notes.add.mutate({ text: "after expiry" })).toBe(true);
    expect(await api.notes.list.query()).toEqual(["first", "after expiry"]);
    expect(counter.count("auth.refresh")).toBe(1);
  });

  it("tollgateLinks drive a plain tRPC client the same way", async () => {
    const api = createTRPCClient<AppRouter>({ links: tollgateLinks<AppRouter>(options()) });
    await api.auth.login.mutate({ username: "sdk-user", password: "sdk password" });
    clock.advance(901);
    expect(await api.notes.list.query()).toEqual(expect.any(Array));
  });
});
