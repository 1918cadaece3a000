import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["tollgate-source"] },
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
