import { AuthError } from "@tollgate/auth";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { toTRPCError } from "./errors.js";
import type { ProcedureMeta } from "./procedure-meta.js";

/** Contract: a batch holds at most this many calls; tRPC refuses larger ones with 400 before running any. */
export { MAX_BATCH_SIZE } from "@tollgate/auth/protocol";

/**
 * A procedure that checks a password or code runs alone: inside a batch its
 * calls would run in parallel, and one request could carry many guesses. The
 * whole batch is refused (400) before any call runs.
 */
export function refuseCredentialBatch(info: TRPCRequestInfo): void {
  if (!info.isBatchCall || info.calls.length < 2) return;
  const checksCredentials = info.calls.some(
    (call) => (call.procedure?._def.meta as ProcedureMeta | undefined)?.checksCredentials === true,
  );
  if (checksCredentials) {
    throw toTRPCError(
      new AuthError("BATCH_NOT_ALLOWED", "A call that checks a password or code must be sent alone, not in a batch"),
    );
  }
}
