import { describe, expect, it } from "vitest";
import { createSemaphore } from "./semaphore.js";

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
