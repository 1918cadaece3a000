import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ["src/**/*.test.ts"],
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/**/*.test.ts", "src/testing/**"],
      reporter: ["text", "json-summary"],
      thresholds: { lines: 90 },
    },
  },
});
