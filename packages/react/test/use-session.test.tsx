import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { CookieJar } from "@tollgate/client-sdk/node";
import { createTollgateReact, type SessionState, type TollgateReact, useSession } from "@tollgate/react";
import { authedProcedure, mergeRouters, protectedMutation, router, tollgateRouter } from "@tollgate/server";
import { createClock, startTollgate, type TollgateTestServer } from "@tollgate/testing";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

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

interface Seen {
  session?: SessionState;
  notes?: string[] | undefined;
}

/** Renders nothing; records what the hooks return. */
function Probe({ tollgate, seen }: { tollgate: TollgateReact<AppRouter>; seen: Seen }) {
  seen.session = useSession(tollgate);
  const list = useQuery({ ...tollgate.trpc.notes.list.queryOptions(), enabled: seen.session.status === "signed-in" });
  seen.notes = list.data;
  return null;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
  }
  expect(condition()).toBe(true);
}

describe("useSession over a real server", () => {
  const clock = createClock();
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await startTollgate({ clock, router: appRouter });
    await server.createUser({ username: "ada", password: "ada password" });
  });
  afterAll(() => server?.close());

  function mount() {
    const queryClient = new QueryClient();
    const cookieJar = new CookieJar();
    const onSessionExpired = vi.fn();
    const tollgate = createTollgateReact<AppRouter>({
      url: `${server.url}/trpc`,
      queryClient,
      cookieJar,
      crossTab: false,
      proactiveRefresh: false,
      onSessionExpired,
    });
    const seen: Seen = {};
    const container = document.createElement("div");
    let root: Root | undefined;
    act(() => {
      root = createRoot(container);
      root.render(
        <QueryClientProvider client={queryClient}>
          <Probe tollgate={tollgate} seen={seen} />
        </QueryClientProvider>,
      );
    });
    const session = () => seen.session as SessionState;
    return { tollgate, seen, session, cookieJar, onSessionExpired, unmount: () => act(() => root?.unmount()) };
  }

  it("starts signed out, signs in, runs the app's queries, signs out", async () => {
    const { tollgate, seen, session, unmount } = mount();
    await until(() => session().status === "signed-out");
    await act(async () => {
      await session().signIn({ username: "ada", password: "ada password" });
    });
    await until(() => session().status === "signed-in");
    expect(session().user?.username).toBe("ada");
    await act(async () => {
      await tollgate.client.notes.add.mutate({ text: "first" });
    });
    await until(() => seen.notes !== undefined);
    await act(async () => {
      await session().signOut();
    });
    await until(() => session().status === "signed-out");
    expect(session().user).toBeNull();
    unmount();
  });

  it("turns signed out when the session ends under it, and says so once", async () => {
    const { tollgate, session, cookieJar, onSessionExpired, unmount } = mount();
    await until(() => session().status !== "loading");
    await act(async () => {
      await session().signIn({ username: "ada", password: "ada password" });
    });
    await until(() => session().status === "signed-in");
    // The access token expires and the refresh cookie is gone: the refresh is refused.
    clock.advance(901);
    await cookieJar.removeAllCookies();
    await act(async () => {
      await expect(tollgate.client.notes.list.query()).rejects.toThrow();
    });
    await until(() => session().status === "signed-out");
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    unmount();
  });
});
