import { describe, expect, it } from "vitest";
import { createSemaphore, QueueFullError } from "./semaphore.js";

describe("semaphore", () => {
  it("never runs more than the limit at once and starts tasks in arrival order", async () => {
    const semaphore = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        semaphore.run(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("releases its slot when a task fails", async () => {
    const semaphore = createSemaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(semaphore.run(async () => 42)).resolves.toBe(42);
  });

  it("refuses a bad limit", () => {
    expect(() => createSemaphore(0)).toThrow(TypeError);
  });
});

describe("semaphore queue bound and cancellation", () => {
  it("refuses at once when maxQueue tasks already wait, and serves the rest", async () => {
    const semaphore = createSemaphore(1, { maxQueue: 2 });
    let release!: () => void;
    const first = semaphore.run(() => new Promise<void>((r) => (release = r)));
    const queued = [semaphore.run(async () => 1), semaphore.run(async () => 2)];
    expect(semaphore.waiting).toBe(2);
    await expect(semaphore.run(async () => 3)).rejects.toBeInstanceOf(QueueFullError);
    release();
    await first;
    await expect(Promise.all(queued)).resolves.toEqual([1, 2]);
    expect(semaphore.waiting).toBe(0);
  });

  it("never starts a task whose caller aborted while it waited", async () => {
    const semaphore = createSemaphore(1);
    let release!: () => void;
    const first = semaphore.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let started = false;
    const waiting = semaphore.run(async () => {
      started = true;
    }, controller.signal);
    controller.abort(new Error("client went away"));
    await expect(waiting).rejects.toThrow("client went away");
    expect(semaphore.waiting).toBe(0);
    release();
    await first;
    await expect(semaphore.run(async () => "next")).resolves.toBe("next");
    expect(started).toBe(false);
  });

  it("does not start a task for an already aborted signal", async () => {
    const semaphore = createSemaphore(2);
    let started = false;
    await expect(
      semaphore.run(async () => {
        started = true;
      }, AbortSignal.abort()),
    ).rejects.toThrow();
    expect(started).toBe(false);
  });
});
