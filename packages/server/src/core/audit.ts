import type { Context } from "../context.js";
import type { AuditEntry } from "../stores/audit-log.js";

/** Records an audit event with this request's client address and user agent. */
export function audit(ctx: Context, entry: Omit<AuditEntry, "ip" | "userAgent">): Promise<void> {
  return ctx.services.audit.record({ ...entry, ip: ctx.request.ip, userAgent: ctx.request.userAgent });
}
