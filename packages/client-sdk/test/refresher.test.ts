import { TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CrossTab, createCrossTab, type TabMessage } from "../src/cross-tab.js";
import { createRefresher } from "../src/refresher.js";
import type { Grant, RefreshRecord } from "../src/token-timing.js";

/** Two "tabs" sharing one in-memory channel and lock, as BroadcastChannel and Web Locks would. */
function sharedTabs() {
  const listeners = new Set<(m: TabMessage) => void>();
  let last: RefreshRecord | undefined;
  let lock: Promise<unknown> = Promise.resolve();
  const tab = (): CrossTab => {
    const own = new Set<(m: TabMessage) => void>();
    return {
      withRefreshLock(fn) {
        const run = lock.then(fn, fn);
        lock = run.catch(() => undefined);
        return run;
      },
      lastRefresh: () => last,
      announce(message) {
        last = message.type === "refreshed" ? { at: message.at, lifetimeMs: message.lifetimeMs } : undefined;
        for (const l of listeners) if (!own.has(l)) l(message);
      },
      onMessage(listener) {
        own.add(listener);
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {},
    };
  };
  return { tab };
}

/** What a server whose clock reads `serverNow` answers for an access token of `ttlMs`. */
function grant(ttlMs: number, serverNow = Date.now(), withDate = true): Grant {
  return {
    accessTokenExpiresAt: serverNow + ttlMs,
    serverDate: withDate ? new Date(serverNow).toUTCString() : null,
  };
}

const serverError = (httpStatus: number, code = "INTERNAL_SERVER_ERROR") =>
  TRPCClientError.from({ error: { message: "no", code: -32000, data: { code, httpStatus } } });
const unauthorized = () => serverError(401, "UNAUTHORIZED");

describe("refresher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("shares one refresh between callers and between tabs", async () => {
    const { tab } = sharedTabs();
    const refresh = vi.fn(async () => grant(900_000));
    const a = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: () => {},
      proactiveLeadMs: false,
      now: Date.now,
    });
    const b = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: () => {},
      proactiveLeadMs: false,
      now: Date.now,
    });
    const sentAt = Date.now();
    vi.setSystemTime(sentAt + 5);
    const results = await Promise.all([a.refresh(sentAt), a.refresh(sentAt), b.refresh(sentAt), b.refresh(sentAt)]);
    expect(results).toEqual([true, true, true, true]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("ends the session once on a refused refresh, everywhere, and stops refreshing", async () => {
    const { tab } = sharedTabs();
    const refresh = vi.fn(async (): Promise<Grant> => {
      throw unauthorized();
    });
    const endedA = vi.fn();
    const endedB = vi.fn();
    const a = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: endedA,
      proactiveLeadMs: false,
      now: Date.now,
    });
    createRefresher({ refresh, crossTab: tab(), onSessionEnded: endedB, proactiveLeadMs: false, now: Date.now });
    expect(await Promise.all([a.refresh(0), a.refresh(0)])).toEqual([false, false]);
    expect(await a.refresh(0)).toBe(false);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(endedA).toHaveBeenCalledExactlyOnceWith("expired");
    expect(endedB).toHaveBeenCalledExactlyOnceWith("expired");
    a.signedIn(grant(900_000));
    refresh.mockImplementation(async () => grant(900_000));
    expect(await a.refresh(Date.now() - 1)).toBe(true);
  });

  it("does not end the session when the refresh fails for another reason (network)", async () => {
    const ended = vi.fn();
    const r = createRefresher({
      refresh: async () => {
        throw new TypeError("fetch failed");
      },
      crossTab: createCrossTab("t", false),
      onSessionEnded: ended,
      proactiveLeadMs: false,
      now: Date.now,
    });
    const result = r.refresh(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await result).toBe(false);
    expect(ended).not.toHaveBeenCalled();
  });

  it("sends a refresh that got no answer again, twice at most, within the server's reuse grace", async () => {
    const calls: number[] = [];
    const refresh = vi.fn(async (): Promise<Grant> => {
      calls.push(Date.now() - 1_000_000);
      throw new TypeError("fetch failed");
    });
    const r = createRefresher({
      refresh,
      crossTab: createCrossTab("t", false),
      onSessionEnded: () => {},
      proactiveLeadMs: false,
      now: Date.now,
    });
    const result = r.refresh(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await result).toBe(false);
    expect(calls).toEqual([0, 250, 1_250]);
    // The next attempt succeeds: the caller may retry.
    refresh.mockImplementationOnce(async () => {
      throw serverError(503);
    });
    refresh.mockImplementationOnce(async () => grant(900_000));
    const second = r.refresh(Date.now());
    await vi.advanceTimersByTimeAsync(300);
    expect(await second).toBe(true);
    expect(refresh).toHaveBeenCalledTimes(5);
  });

  it.each([
    [401, "UNAUTHORIZED", 1],
    [403, "FORBIDDEN", 0],
    [429, "TOO_MANY_REQUESTS", 0],
  ])("never sends a refresh answered %i again", async (status, code, endings) => {
    const ended = vi.fn();
    const refresh = vi.fn(async (): Promise<Grant> => {
      throw serverError(status, code);
    });
    const r = createRefresher({
      refresh,
      crossTab: createCrossTab("t", false),
      onSessionEnded: ended,
      proactiveLeadMs: false,
      now: Date.now,
    });
    const result = r.refresh(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await result).toBe(false);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledTimes(endings);
  });

  it("refreshes ahead of expiry, and a new page picks up the expiry another tab reported", async () => {
    const { tab } = sharedTabs();
    // No Date header: the lifetime falls back to this machine's clock (60 s, refreshed 10 s ahead).
    const refresh = vi.fn(async () => grant(60_000, Date.now(), false));
    const first = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: () => {},
      proactiveLeadMs: 10_000,
      now: Date.now,
    });
    first.signedIn(grant(60_000, Date.now(), false));
    first.close();
    const page = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: () => {},
      proactiveLeadMs: 10_000,
      now: Date.now,
    });
    await vi.advanceTimersByTimeAsync(49_000);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    page.close();
  });

  it("a sign-out here reaches the other tabs, not this one, and stops this tab refreshing", async () => {
    const { tab } = sharedTabs();
    const refresh = vi.fn(async () => grant(900_000));
    const here = vi.fn();
    const there = vi.fn();
    const a = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: here,
      proactiveLeadMs: false,
      now: Date.now,
    });
    createRefresher({ refresh, crossTab: tab(), onSessionEnded: there, proactiveLeadMs: false, now: Date.now });
    a.signedOut("signed-out");
    expect(here).not.toHaveBeenCalled();
    expect(there).toHaveBeenCalledExactlyOnceWith("signed-out");
    expect(await a.refresh(0)).toBe(false);
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe("proactive refresh timing", () => {
  const start = 1_000_000;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(start);
  });
  afterEach(() => vi.useRealTimers());

  function refresher(refresh: () => Promise<Grant>) {
    return createRefresher({
      refresh,
      crossTab: createCrossTab("timing", false),
      onSessionEnded: () => {},
      proactiveLeadMs: 30_000,
      now: Date.now,
    });
  }

  it("an access token TTL (20 s) shorter than the lead refreshes a handful of times a minute, not in a loop", async () => {
    const refresh = vi.fn(async () => grant(20_000));
    const r = refresher(refresh);
    r.signedIn(grant(20_000));
    await vi.advanceTimersByTimeAsync(60_000);
    // Half the lifetime (19 s, the Date header's second taken off) apart: 6 in a minute.
    expect(refresh.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(refresh.mock.calls.length).toBeLessThanOrEqual(6);
    r.close();
  });

  it("a client clock 10 minutes ahead refreshes on the server's schedule, not in a loop", async () => {
    // The server's clock reads 10 minutes less than this machine's; tokens live 5 minutes.
    const serverGrant = () => grant(300_000, Date.now() - 600_000);
    const refresh = vi.fn(async () => serverGrant());
    const r = refresher(refresh);
    r.signedIn(serverGrant());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).not.toHaveBeenCalled();
    // Lifetime 299 s, refreshed 30 s before expiry.
    await vi.advanceTimersByTimeAsync(269_000 - 60_000 - 1);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(269_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    r.close();
  });

  it("without a Date header a clock far ahead leaves the lifetime unknown: no proactive refresh, a 401 still refreshes", async () => {
    const serverGrant = () => grant(300_000, Date.now() - 600_000, false);
    const refresh = vi.fn(async () => serverGrant());
    const r = refresher(refresh);
    r.signedIn(serverGrant());
    await vi.advanceTimersByTimeAsync(600_000);
    expect(refresh).not.toHaveBeenCalled();
    expect(await r.refresh(Date.now())).toBe(true);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    r.close();
  });

  it("a proactive refresh that gets no answer backs off from 5 s, doubling up to 5 min, then resumes its schedule", async () => {
    let online = false;
    const calls: number[] = [];
    const refresh = vi.fn(async () => {
      calls.push(Date.now() - start);
      if (!online) throw new TypeError("fetch failed");
      return grant(20_000);
    });
    const ended = vi.fn();
    const r = createRefresher({
      refresh,
      crossTab: createCrossTab("backoff", false),
      onSessionEnded: ended,
      proactiveLeadMs: 30_000,
      now: Date.now,
    });
    r.signedIn(grant(20_000));
    await vi.advanceTimersByTimeAsync(1_000_000);
    // Each attempt is three requests (0, 250 ms, 1.25 s); the back-off counts from the last.
    const starts = calls.filter((_, i) => i % 3 === 0);
    expect(calls.map((at, i) => at - (starts[Math.floor(i / 3)] ?? 0))).toEqual(starts.flatMap(() => [0, 250, 1_250]));
    expect(starts[0]).toBe(9_500);
    const backoffs = starts.slice(1).map((at, i) => at - (starts[i] ?? 0) - 1_250);
    expect(backoffs).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(ended).not.toHaveBeenCalled();
    online = true;
    calls.length = 0;
    await vi.advanceTimersByTimeAsync(300_000);
    // Back on the lifetime's schedule once the network is back: half of 19–20 s (Date has whole seconds).
    expect(calls.length).toBeGreaterThan(2);
    for (const [i, at] of calls.slice(1).entries()) {
      expect(at - (calls[i] ?? 0)).toBeGreaterThanOrEqual(9_500);
      expect(at - (calls[i] ?? 0)).toBeLessThanOrEqual(10_000);
    }
    r.close();
  });
});
