import { defineConfig } from "vitest/config";
import { integrationTests, sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    ...integrationTests,
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/dom-setup.ts"],
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
