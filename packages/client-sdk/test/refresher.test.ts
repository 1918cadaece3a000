import { TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CrossTab, createCrossTab, type TabMessage } from "../src/cross-tab.js";
import { createRefresher } from "../src/refresher.js";

/** Two "tabs" sharing one in-memory channel and lock, as BroadcastChannel and Web Locks would. */
function sharedTabs() {
  const listeners = new Set<(m: TabMessage) => void>();
  let lastAt = 0;
  let expiry: number | undefined;
  let lock: Promise<unknown> = Promise.resolve();
  const tab = (): CrossTab => {
    const own = new Set<(m: TabMessage) => void>();
    return {
      withRefreshLock(fn) {
        const run = lock.then(fn, fn);
        lock = run.catch(() => undefined);
        return run;
      },
      lastRefreshAt: () => lastAt,
      lastAccessTokenExpiry: () => expiry,
      announce(message) {
        if (message.type === "refreshed") {
          lastAt = message.at;
          expiry = message.accessTokenExpiresAt;
        } else expiry = undefined;
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

const unauthorized = () =>
  TRPCClientError.from({ error: { message: "no", code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401 } } });

describe("refresher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("shares one refresh between callers and between tabs", async () => {
    const { tab } = sharedTabs();
    const refresh = vi.fn(async () => ({ accessTokenExpiresAt: Date.now() + 900_000 }));
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
    const refresh = vi.fn(async (): Promise<{ accessTokenExpiresAt: number }> => {
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
    a.signedIn(Date.now() + 900_000);
    refresh.mockImplementation(async () => ({ accessTokenExpiresAt: Date.now() + 900_000 }));
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
    expect(await r.refresh(0)).toBe(false);
    expect(ended).not.toHaveBeenCalled();
  });

  it("refreshes ahead of expiry, and a new page picks up the expiry another tab reported", async () => {
    const { tab } = sharedTabs();
    const refresh = vi.fn(async () => ({ accessTokenExpiresAt: Date.now() + 60_000 }));
    const first = createRefresher({
      refresh,
      crossTab: tab(),
      onSessionEnded: () => {},
      proactiveLeadMs: 10_000,
      now: Date.now,
    });
    first.signedIn(Date.now() + 60_000);
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
    const refresh = vi.fn(async () => ({ accessTokenExpiresAt: Date.now() + 900_000 }));
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
