import type { DatabaseHandle } from "../db/client.js";
import { type AuditEvent, createAuditLog } from "../stores/audit-log.js";
import type { CommandIo } from "./command-io.js";

/** Records what an operator's command did to an account. */
export type OperatorAudit = (
  target: { readonly id: string; readonly username: string },
  event: AuditEvent,
  what: string,
) => Promise<void>;

/**
 * An operator's command, in the account's activity as an administrator's
 * action is (the admin section writes "sessions.ended by alice"; the CLI
 * "sessions.ended by the operator (tollgate sessions:revoke)"), so the owner
 * and the administrators see every change made to the account, whoever made
 * it. A failed write is said, never fatal: the command's own change stands.
 */
export function createOperatorAudit(database: DatabaseHandle, io: CommandIo, command: string): OperatorAudit {
  const log = createAuditLog(database.db, (error) =>
    io.print(`The account's activity entry could not be written: ${(error as Error).message}`),
  );
  return async (target, event, what) => {
    const written = log.record({
      event,
      userId: target.id,
      username: target.username,
      detail: `${what} by the operator (tollgate ${command})`,
    });
    // At once: the log batches on an unref'd timer, which would not keep a command's process alive.
    await log.flush();
    await written;
  };
}
