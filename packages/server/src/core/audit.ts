import type { Context } from "../context.js";
import { emitFromAudit } from "../events/from-audit.js";
import type { AuditEntry } from "../stores/audit-log.js";

/**
 * Records an audit event with this request's client address and user agent,
 * and emits the event apps see for it (tollgate.events, webhooks).
 */
export function audit(ctx: Context, entry: Omit<AuditEntry, "ip" | "userAgent">): Promise<void> {
  const full: AuditEntry = { ...entry, ip: ctx.request.ip, userAgent: ctx.request.userAgent };
  emitFromAudit(ctx.services.events, full);
  return ctx.services.audit.record(full);
}
