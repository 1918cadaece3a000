import type { RefreshTimers } from "@tollgate/client-sdk";
import { type StartTollgateOptions, startTollgate, type TollgateTestServer } from "@tollgate/testing";

export { createClock, type TestClock } from "@tollgate/testing";

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

export async function serverWithUser(options: StartTollgateOptions = {}): Promise<TollgateTestServer> {
  const server = await startTollgate(options);
  await server.createUser({ username: "sdk-user", password: "sdk password" });
  return server;
}

export async function refreshEvents(server: TollgateTestServer): Promise<number> {
  const rows = await server.database.db
    .selectFrom("audit_events")
    .select("id")
    .where("event", "=", "refresh")
    .execute();
  return rows.length;
}

/**
 * A client's clock and the timers it drives (the SDK's `now` and `timers`):
 * time passes only in `advance`, which runs each timer falling due on the way,
 * in order, at its instant, and says how many ran.
 */
export function createClientClock(start: number) {
  let now = start;
  let lastId = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: RefreshTimers = {
    setTimeout(callback, ms) {
      lastId++;
      pending.set(lastId, { at: now + ms, callback });
      return lastId;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    now: () => now,
    timers,
    advance(ms: number): number {
      const until = now + ms;
      let ran = 0;
      for (;;) {
        const [id, due] = [...pending].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
        if (id === undefined || !due) break;
        pending.delete(id);
        now = due.at;
        due.callback();
        ran++;
      }
      now = until;
      return ran;
    },
  };
}
