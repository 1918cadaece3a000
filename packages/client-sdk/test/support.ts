import { type StartOptions, startTestServer, type TestServer } from "@tollgate/server/testing";

export { createClock, type TestClock } from "@tollgate/server/testing";

/** Counts HTTP requests per procedure path as they leave the client. */
export function countingFetch() {
  const calls: string[] = [];
  const fetchFn = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    calls.push(new URL(url).pathname.replace("/trpc/", ""));
    return globalThis.fetch(input, init);
  };
  return {
    fetch: fetchFn,
    calls,
    count: (path: string) => calls.filter((c) => c === path).length,
  };
}

export async function serverWithUser(options: StartOptions = {}): Promise<TestServer> {
  const server = await startTestServer("sqlite", options);
  await server.createUser("sdk-user", "sdk password");
  return server;
}

export async function refreshEvents(server: TestServer): Promise<number> {
  const rows = await server.database.db
    .selectFrom("audit_events")
    .select("id")
    .where("event", "=", "refresh")
    .execute();
  return rows.length;
}
