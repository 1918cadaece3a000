import { defaultClientConditions, defaultServerConditions } from "vite";

/**
 * Workspace packages export their TypeScript sources under the
 * "tollgate-source" condition, so tests run against source without a build.
 */
export const sourceConditions = {
  resolve: { conditions: ["tollgate-source", ...defaultClientConditions] },
  ssr: {
    resolve: { conditions: ["tollgate-source", ...defaultServerConditions], externalConditions: ["tollgate-source"] },
  },
};

/**
 * Suites that start real servers, processes and browsers: one file at a time
 * (they share two cores with everything else), generous timeouts.
 */
export const integrationTests = {
  include: ["test/**/*.test.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  fileParallelism: false,
};
