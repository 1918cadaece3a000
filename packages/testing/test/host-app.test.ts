import type { RequestListener } from "node:http";
import {
  authedProcedure,
  mergeRouters,
  protectedMutation,
  router,
  type Tollgate,
  tollgateRouter,
} from "@tollgate/server";
import {
  backends,
  createClock,
  data,
  errorOf,
  type Mailbox,
  startMailbox,
  startTollgate,
  type TollgateTestServer,
} from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A host app as it would be written: its own procedures beside Tollgate's, one router, one server,
// and a route of its own outside tRPC. Nothing below reaches into Tollgate's or this package's sources.
function noteInput(value: unknown): { text: string } {
  if (typeof value === "object" && value !== null && "text" in value && typeof value.text === "string") {
    return { text: value.text };
  }
  throw new TypeError("text: a string");
}

const notes = new Map<string, string[]>();
const appRouter = mergeRouters(
  tollgateRouter,
  router({
    notes: router({
      list: authedProcedure.query(({ ctx }) => notes.get(ctx.session.userId) ?? []),
      add: protectedMutation.input(noteInput).mutation(({ ctx, input }) => {
        notes.set(ctx.session.userId, [...(notes.get(ctx.session.userId) ?? []), input.text]);
        return true;
      }),
    }),
  }),
);

/** The app's node:http handler: /api/hello is its own, everything else goes to Tollgate's handler. */
function appHandler(tollgate: Tollgate): RequestListener {
  const trpc = tollgate.nodeHandler(appRouter);
  return (req, res) => {
    if (req.url === "/api/hello") {
      res.writeHead(200, { "content-type": "text/plain" }).end("hello from the app");
      return;
    }
    void trpc(req, res);
  };
}

describe.each(backends())("a host app tested against Tollgate (%s)", (backend) => {
  const clock = createClock();
  let mailbox: Mailbox;
  let server: TollgateTestServer;

  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTollgate({ backend, router: appRouter, handler: appHandler, clock, mailbox });
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  it("signs a created user in through the jar client and calls the app's protected procedures", async () => {
    const { user, client } = await server.createSignedInUser({ firstName: "Ada" });
    expect(data<{ username: string; firstName: string }>(await client.query("user.me"))).toMatchObject({
      username: user.username,
      firstName: "Ada",
    });
    expect(data<boolean>(await client.mutation("notes.add", { text: "first" }))).toBe(true);
    expect(data<string[]>(await client.query("notes.list"))).toEqual(["first"]);

    // The jar client echoes the csrf cookie: without that header the same mutation is refused.
    const withoutCsrf = await client.mutation("notes.add", { text: "forged" }, { csrf: false });
    expect(withoutCsrf.status).toBe(403);
    // A visitor with an empty jar is not signed in.
    const visitor = server.client();
    expect(errorOf(await visitor.query("notes.list")).data.code).toBe("UNAUTHORIZED");
    // The app's own route is served beside Tollgate's.
    const hello = await client.fetch("/api/hello");
    expect(await hello.text()).toBe("hello from the app");
  });

  it("moves the injected clock past the access token's lifetime; auth.refresh from the jar renews it", async () => {
    const { client } = await server.createSignedInUser();
    clock.advance(server.config.accessTokenTtl + 1);
    const expired = await client.query("notes.list");
    expect(errorOf(expired).data.authCode).toBe("TOKEN_EXPIRED");
    // The refresh cookie (Path=/trpc/auth.refresh) goes only to auth.refresh, with the CSRF header.
    expect((await client.mutation("auth.refresh")).status).toBe(200);
    expect(data<string[]>(await client.query("notes.list"))).toEqual([]);
  });

  it("mails a reset link to the mailbox; following it sets the new password and ends the old sessions", async () => {
    const { user, client } = await server.createSignedInUser({ email: "grace@example.com" });
    const visitor = server.client();
    expect((await visitor.mutation("auth.requestPasswordReset", { email: "grace@example.com" })).status).toBe(200);

    const mail = await mailbox.nextMail("grace@example.com", { subject: /reset your password/i });
    const link = new URL(mail.link ?? "no link");
    expect(link.origin).toBe(server.url);
    expect(link.pathname).toBe("/reset-password");
    const newPassword = "a brand new passphrase for grace";
    const reset = await visitor.mutation("auth.resetPassword", { token: link.searchParams.get("token"), newPassword });
    expect(data<{ user: { id: string } }>(reset).user.id).toBe(user.id);

    // The link signed the visitor in; the session from before the reset is over.
    expect(data<string[]>(await visitor.query("notes.list"))).toEqual([]);
    expect((await client.query("notes.list")).status).toBe(401);
    await expect(server.signIn(user)).rejects.toThrow(/HTTP 401/);
    await server.signIn({ username: user.username, password: newPassword });
    expect((await mailbox.nextMail("grace@example.com")).subject).toBe("Your password was changed");
  });
});
