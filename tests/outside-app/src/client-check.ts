// The SDK from Node, against the running app: sign in, use the app's own
// procedures, let the access token expire (ACCESS_TOKEN_TTL is 1 s in this
// run) and call again: the SDK must refresh once and retry. Prints JSON.
import { createTollgateClient } from "@tollgate/client-sdk";
import { CookieJar } from "@tollgate/client-sdk/node";
import type { AppRouter } from "./app-router.js";

const [base, username, password] = process.argv.slice(2);
if (!base || !username || !password) throw new Error("usage: client-check <url> <username> <password>");

const jar = new CookieJar();
const calls: string[] = [];
let expired = 0;
const api = createTollgateClient<AppRouter>({
  url: `${base}/trpc`,
  cookieJar: jar,
  proactiveRefresh: false, // the 401 → refresh → retry path is the one under test
  fetch: (input, init) => {
    calls.push(new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url).pathname);
    return fetch(input, init);
  },
  onSessionExpired: () => {
    expired++;
  },
});

const signedIn = await api.auth.login.mutate({ username, password });
if (!("user" in signedIn)) throw new Error("sign-in asked for a second factor");
const added = await api.notes.add.mutate({ text: "from outside" });

// Wait until the access token has expired (ACCESS_TOKEN_TTL is 1 s here; `exp` is in whole seconds).
const expiredAt = signedIn.accessTokenExpiresAt + 1100;
while (Date.now() < expiredAt) await new Promise((resolve) => setTimeout(resolve, 100));
const before = calls.length;
const listed = await api.notes.list.query();
const me = await api.user.me.query();

console.log(
  JSON.stringify({
    username: signedIn.user.username,
    added,
    listed,
    me: me.username,
    refreshes: calls.slice(before).filter((path) => path.endsWith("/auth.refresh")).length,
    expired,
  }),
);
// The client keeps a timer of its own alive in Node; this script is done.
process.exit(0);
