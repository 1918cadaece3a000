/**
 * Tollgate's security events, as apps receive them (`tollgate.events.on`,
 * and webhooks): each type's data is versioned with the event (`version`),
 * so a receiver can tell a shape it does not know. New types may be added;
 * a type's data only gains optional fields within a version.
 */
export interface TollgateEventData {
  /** An account was made (sign-up, first-run setup). */
  "user.created": { readonly userId: string };
  /** A sign-in completed: a new session. `method`: how (password, passkey, email_code…). */
  "session.started": { readonly userId: string; readonly sessionId: string; readonly method: string | null };
  /** Sessions ended: signed out, ended from another device or everywhere, or a reused refresh token. */
  "session.revoked": {
    readonly userId: string;
    readonly sessionId: string | null;
    readonly reason: "logout" | "logout_all" | "revoked" | "token_reuse";
  };
  /** A sign-in was refused: wrong credentials (userId when the account exists). */
  "signin.failed": { readonly userId: string | null; readonly method: string | null };
  /** A second factor locked after too many wrong codes. */
  "account.locked": { readonly userId: string };
  /** A way to sign in or a second factor was added (`factor`: totp, passkey…). */
  "factor.added": { readonly userId: string; readonly factor: string };
  "factor.removed": { readonly userId: string; readonly factor: string };
  /** The password was changed or reset. */
  "password.changed": { readonly userId: string };
  /** A recovery code signed in instead of the authenticator app. */
  "recovery_code.used": { readonly userId: string };
  /** A sign-in from a device the account had not used (no device cookie of it). */
  "device.new": { readonly userId: string; readonly sessionId: string };
  /** An administrator acted on an account (admin.*): who, on whom, what. */
  "admin.action": { readonly adminId: string; readonly userId: string; readonly action: AdminAction };
}

/** What an administrator did (admin.* procedures; also the detail of the target's `admin_action` activity). */
export type AdminAction =
  | "user.disabled"
  | "user.enabled"
  | "user.deleted"
  | "user.admin_granted"
  | "user.admin_revoked"
  | "sessions.ended"
  | "second_factor.reset"
  | "lockout.cleared"
  | "verification.resent";

export type TollgateEventType = keyof TollgateEventData;

/** One event: its type, version and data, when it happened and from where. */
export interface TollgateEvent<T extends TollgateEventType = TollgateEventType> {
  /** Unique (a UUID): the webhook message id, so receivers can drop a delivery seen twice. */
  readonly id: string;
  readonly type: T;
  /** The version of this type's data. */
  readonly version: 1;
  /** ISO 8601. */
  readonly occurredAt: string;
  readonly data: TollgateEventData[T];
  /** The client of the request that caused it, as Tollgate saw it (TRUST_PROXY decides). */
  readonly client: { readonly ip: string | null; readonly userAgent: string | null };
}

/** Every event type, for docs and for receivers that subscribe to all. */
export const EVENT_TYPES: readonly TollgateEventType[] = [
  "user.created",
  "session.started",
  "session.revoked",
  "signin.failed",
  "account.locked",
  "factor.added",
  "factor.removed",
  "password.changed",
  "recovery_code.used",
  "device.new",
  "admin.action",
];
