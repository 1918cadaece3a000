import type { AuditEntry } from "../stores/audit-log.js";
import type { EventBus } from "./bus.js";

/**
 * Every security event already passes through the audit log; this is the one
 * place that turns an audit entry into the event apps see. Entries without a
 * user (a guess at an unknown name aside) or without a public meaning
 * (refreshes, rehashes) emit nothing.
 */
export function emitFromAudit(events: EventBus, entry: AuditEntry): void {
  const client = { ip: entry.ip ?? null, userAgent: entry.userAgent ?? null };
  const userId = entry.userId ?? null;
  const detail = entry.detail ?? null;
  switch (entry.event) {
    case "login_failed":
      events.emit("signin.failed", { userId, method: detail }, client);
      return;
  }
  if (userId === null) return;
  switch (entry.event) {
    case "signed_up":
      events.emit("user.created", { userId }, client);
      return;
    case "login_succeeded":
      if (entry.sessionId)
        events.emit("session.started", { userId, sessionId: entry.sessionId, method: detail }, client);
      return;
    case "new_device":
      if (entry.sessionId) events.emit("device.new", { userId, sessionId: entry.sessionId }, client);
      return;
    case "logout":
      events.emit("session.revoked", { userId, sessionId: entry.sessionId ?? null, reason: "logout" }, client);
      return;
    case "logout_all":
      events.emit("session.revoked", { userId, sessionId: null, reason: "logout_all" }, client);
      return;
    case "session_revoked":
      events.emit("session.revoked", { userId, sessionId: entry.sessionId ?? null, reason: "revoked" }, client);
      return;
    case "refresh_reuse_detected":
      events.emit("session.revoked", { userId, sessionId: entry.sessionId ?? null, reason: "token_reuse" }, client);
      return;
    case "password_changed":
    case "password_reset":
      events.emit("password.changed", { userId }, client);
      return;
    case "mfa_enabled":
      events.emit("factor.added", { userId, factor: "totp" }, client);
      return;
    case "mfa_disabled":
      events.emit("factor.removed", { userId, factor: "totp" }, client);
      return;
    case "credential_added":
      events.emit("factor.added", { userId, factor: detail ?? "unknown" }, client);
      return;
    case "credential_removed":
      events.emit("factor.removed", { userId, factor: detail ?? "unknown" }, client);
      return;
    case "mfa_locked":
      events.emit("account.locked", { userId }, client);
      return;
    case "recovery_code_used":
      events.emit("recovery_code.used", { userId }, client);
      return;
  }
}
