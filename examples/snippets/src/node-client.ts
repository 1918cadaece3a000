import type { IncomingMessage, ServerResponse } from "node:http";
import { createTollgateClient } from "@tollgate/client-sdk";
import { CookieJar, createRequestScopedClient } from "@tollgate/client-sdk/node";
import type { AppRouter } from "./app-router.js";

// Scripts and tests: an in-memory cookie jar (tough-cookie) stands in for the browser's cookies.
export async function whoAmI(password: string): Promise<string> {
  const api = createTollgateClient<AppRouter>({ url: "http://127.0.0.1:3000/trpc", cookieJar: new CookieJar() });
  await api.auth.login.mutate({ username: "alice", password });
  return (await api.user.me.query()).username;
}

// Server-side rendering: the browser's cookies in, and any Set-Cookie (a refresh while rendering) back out.
export async function renderGreeting(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { client, setCookieHeaders } = createRequestScopedClient<AppRouter>({
    url: "http://127.0.0.1:3000/trpc",
    cookieHeader: req.headers.cookie,
  });
  const me = await client.user.me.query();
  for (const line of setCookieHeaders()) res.appendHeader("Set-Cookie", line);
  res.end(`Hello ${me.firstName || me.username}`);
}
