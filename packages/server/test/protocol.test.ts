import { CREDENTIAL_PROCEDURES, MAX_BATCH_SIZE, REFRESH_PROCEDURE, SIGN_OUT_PROCEDURES } from "@tollgate/auth/protocol";
import { describe, expect, it } from "vitest";
import type { ProcedureMeta } from "../src/procedure-meta.js";
import { appRouter } from "../src/routers/index.js";

// @tollgate/auth/protocol is what clients believe about the server; these
// tests derive each fact from the server itself, so nothing is kept in step by hand.
describe("@tollgate/auth/protocol agrees with the server", () => {
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
  );

  it("lists exactly the procedures whose meta says they check credentials", () => {
    const checking = procedures.filter(([, procedure]) => procedure._def.meta?.checksCredentials === true);
    expect(checking.map(([path]) => path).sort()).toEqual([...CREDENTIAL_PROCEDURES].sort());
  });

  it("names procedures the router has (refresh, sign-out)", () => {
    const paths = new Set(procedures.map(([path]) => path));
    for (const path of [REFRESH_PROCEDURE, ...SIGN_OUT_PROCEDURES]) expect(paths.has(path), path).toBe(true);
  });

  it("has the contract's batch limit", () => {
    expect(MAX_BATCH_SIZE).toBe(10);
  });
});
