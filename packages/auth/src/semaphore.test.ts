import { describe, expect, it } from "vitest";
import { createSemaphore } from "./semaphore.js";

describe("semaphore", () => {
  it("never runs more than the limit at once and runs everything in order", async () => {
    const semaphore = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          order.push(i);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toHaveLength(8);
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
