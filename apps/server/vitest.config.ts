import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ["test/**/*.test.ts"],
    // PGlite takes seconds to start on a busy 2-core machine; one instance per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
