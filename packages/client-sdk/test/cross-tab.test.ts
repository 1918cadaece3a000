import { afterEach, describe, expect, it, vi } from "vitest";
import { type CrossTab, createCrossTab, type TabMessage } from "../src/cross-tab.js";
import { createRefresher } from "../src/refresher.js";

/** An in-memory localStorage (Node has none): what tabs of one origin share. */
function memoryStorage(initial: Record<string, string> = {}): Storage {
  const items = new Map(Object.entries(initial));
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const YEAR_MS = 365 * 24 * 3_600_000;
const grant = async () => ({ accessTokenExpiresAt: Date.now() + 900_000, serverDate: new Date().toUTCString() });

/** Tabs, channels and refreshers a test opened; closed after each test. */
const opened: { close(): void }[] = [];

/** A refresher on `tab` whose refreshes always succeed (counted by `refresh`), closed after the test. */
function refresherOn(tab: CrossTab) {
  const refresh = vi.fn(grant);
  const refresher = createRefresher({
    refresh,
    crossTab: tab,
    onSessionEnded: () => {},
    proactiveLeadMs: false,
    now: Date.now,
  });
  opened.push(refresher);
  return { refresh, refresher };
}

describe("cross-tab records dated in the future", () => {
  afterEach(() => {
    for (const item of opened.splice(0)) item.close();
    vi.unstubAllGlobals();
  });

  it("a sibling's refreshed notice dated in the future counts from its arrival, and refreshes still happen", async () => {
    const channel = `tollgate-test-${Math.random()}`;
    const tab = createCrossTab(channel, true);
    const sibling = new BroadcastChannel(channel);
    opened.push(tab, sibling);
    const { refresh, refresher } = refresherOn(tab);

    const received = new Promise<TabMessage>((resolve) => tab.onMessage(resolve));
    sibling.postMessage({ type: "refreshed", at: Date.now() + 10 * YEAR_MS, lifetimeMs: 900_000 });
    const message = await received;
    const arrival = Date.now();
    expect(message.type === "refreshed" && message.at).toBeLessThanOrEqual(arrival);
    expect(tab.lastRefresh()?.at).toBeLessThanOrEqual(arrival);

    // A call sent after the notice that fails with 401 gets a refresh, not "another tab did it".
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await refresher.refresh(Date.now())).toBe(true);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("a stored record dated in the future is dropped, and refreshes still happen", async () => {
    const storage = memoryStorage({
      "tollgate:last-refresh": JSON.stringify({ at: Date.now() + 10 * YEAR_MS, lifetimeMs: 900_000 }),
    });
    vi.stubGlobal("localStorage", storage);
    const tab = createCrossTab(`tollgate-test-${Math.random()}`, true);
    opened.push(tab);
    expect(tab.lastRefresh()).toBeUndefined();
    expect(storage.getItem("tollgate:last-refresh")).toBeNull();

    const refresh = vi.fn(grant);
    const refresher = createRefresher({
      refresh,
      crossTab: tab,
      onSessionEnded: () => {},
      proactiveLeadMs: 30_000,
      now: Date.now,
    });
    opened.push(refresher);
    expect(await refresher.refresh(Date.now())).toBe(true);
    expect(refresh).toHaveBeenCalledTimes(1);
    // What this tab stores instead is dated now.
    const stored = JSON.parse(storage.getItem("tollgate:last-refresh") ?? "null") as { at: number };
    expect(stored.at).toBeLessThanOrEqual(Date.now());
  });

  it("a stored record from the past is still shared: a call sent before it reuses that refresh", async () => {
    const storage = memoryStorage();
    vi.stubGlobal("localStorage", storage);
    const sentAt = Date.now() - 1_000;
    storage.setItem("tollgate:last-refresh", JSON.stringify({ at: Date.now(), lifetimeMs: 900_000 }));
    const tab = createCrossTab(`tollgate-test-${Math.random()}`, true);
    opened.push(tab);
    const { refresh, refresher } = refresherOn(tab);
    expect(await refresher.refresh(sentAt)).toBe(true);
    expect(refresh).not.toHaveBeenCalled();
  });
});

/**
 * One lock manager for every "tab", as the browser's: exclusive locks granted
 * in request order, `ifAvailable`, and `query()` of the held ones.
 */
function sharedLockManager() {
  const held = new Map<string, Promise<unknown>>();
  const tails = new Map<string, Promise<unknown>>();
  return {
    request(name: string, ...rest: unknown[]): Promise<unknown> {
      const callback = rest.at(-1) as (lock: unknown) => Promise<unknown>;
      const ifAvailable = rest.length === 2 && (rest[0] as { ifAvailable?: boolean }).ifAvailable === true;
      if (ifAvailable && held.has(name)) return Promise.resolve(callback(null));
      const run = (tails.get(name) ?? Promise.resolve()).then(() => {
        const running = callback({ name });
        held.set(name, running);
        return running.finally(() => held.delete(name));
      });
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
    async query() {
      return { held: [...held.keys()].map((name) => ({ name })) };
    },
  };
}

describe("cross-tab refreshes when the sibling's notice has not arrived yet", () => {
  afterEach(() => {
    for (const item of opened.splice(0)) item.close();
    vi.unstubAllGlobals();
  });

  it("a tab granted the refresh lock right after a sibling refreshed reuses that refresh, with neither its message nor its storage", async () => {
    vi.stubGlobal("navigator", { locks: sharedLockManager() });
    // Separate storages and channels: what the sibling wrote has not reached this tab's process.
    vi.stubGlobal("localStorage", memoryStorage());
    const first = createCrossTab(`tollgate-test-${Math.random()}`, true);
    vi.stubGlobal("localStorage", memoryStorage());
    const second = createCrossTab(`tollgate-test-${Math.random()}`, true);
    opened.push(first, second);
    const a = refresherOn(first);
    const b = refresherOn(second);

    const sentAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2));
    // Both tabs' calls failed with 401 (sent before any refresh): one refresh between them.
    const answers = await Promise.all([a.refresher.refresh(sentAt), b.refresher.refresh(sentAt)]);
    expect(answers).toEqual([true, true]);
    expect(a.refresh.mock.calls.length + b.refresh.mock.calls.length).toBe(1);

    // A call sent after that refresh and refused gets a refresh of its own.
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await b.refresher.refresh(Date.now())).toBe(true);
    expect(a.refresh.mock.calls.length + b.refresh.mock.calls.length).toBe(2);
  });
});
