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
