import { authedProcedure, mergeRouters, router, tollgateRouter } from "@tollgate/server";
import { createClock, data, startMailbox, startTollgate } from "@tollgate/testing";
import { afterAll, expect, it } from "vitest";

// Your app's router: Tollgate's merged with procedures of your own.
const appRouter = mergeRouters(
  tollgateRouter,
  router({ hello: authedProcedure.query(({ ctx }) => `hello ${ctx.session.userId}`) }),
);

const clock = createClock();
const mailbox = await startMailbox();
const server = await startTollgate({ router: appRouter, clock, mailbox }); // backend: "postgres" for PostgreSQL
afterAll(async () => {
  await server.close();
  await mailbox.close();
});

it("greets a signed-in user, past a refresh, and mails a working reset link", async () => {
  const { user, client } = await server.createSignedInUser({ email: "ada@example.com" });
  expect(data(await client.query("hello"))).toBe(`hello ${user.id}`);

  clock.advance(server.config.accessTokenTtl + 1); // the access token has expired
  expect((await client.query("hello")).status).toBe(401);
  await client.mutation("auth.refresh"); // the jar sends the refresh cookie and the CSRF header
  expect(data(await client.query("hello"))).toBe(`hello ${user.id}`);

  const visitor = server.client();
  await visitor.mutation("auth.requestPasswordReset", { email: "ada@example.com" });
  const mail = await mailbox.nextMail("ada@example.com", { subject: /reset/i });
  const token = new URL(mail.link ?? "").searchParams.get("token");
  const reset = await visitor.mutation("auth.resetPassword", { token, newPassword: "a new and long passphrase" });
  expect(reset.status).toBe(200);
  expect(data(await visitor.query("hello"))).toBe(`hello ${user.id}`);
});
