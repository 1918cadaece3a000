import type { ColumnType, Generated, Selectable } from "kysely";

/** PostgreSQL returns a Date, SQLite the ISO-8601 text it stores: read with `new Date(…)`. */
type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
/** PostgreSQL returns a boolean, SQLite 1 or 0: read with `Boolean(…)`. */
type Flag = ColumnType<boolean | number, boolean | undefined, boolean>;

export interface UsersTable {
  id: string;
  /** Normalized (NFKC, trimmed) since 0010; unique ignoring case. */
  username: string;
  /**
   * usernameSkeleton(username): unique, so look-alike usernames cannot both
   * exist. NULL only for old rows that already collided when 0010 ran.
   */
  username_skeleton: ColumnType<string | null, string | null | undefined, string | null>;
  first_name: Generated<string>;
  last_name: Generated<string>;
  password_hash: string;
  /** Optional; unique ignoring case, stored as given. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  email_verified: Flag;
  is_active: Flag;
  /** May call admin.* (0014); read from here on every admin call, never cached. */
  is_admin: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  lookup_hash: string;
  current_hash: string;
  previous_hash: string | null;
  rotation_salt: string | null;
  created_at: Timestamp;
  rotated_at: Timestamp;
  last_used_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  /** How the session was established (see AuthMethod); null for sessions older than 0007. */
  auth_method: ColumnType<string | null, string | null | undefined, string | null>;
  /** RFC 8176 methods proved, space-separated (0012); null for older sessions. */
  amr: ColumnType<string | null, string | null | undefined, string | null>;
  /** The last proof of identity (0012); null for older sessions. */
  auth_time: ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
}

/** Authentication events. Never holds a token, cookie or password. */
export interface AuditEventsTable {
  id: Generated<string>;
  at: Timestamp;
  event: string;
  user_id: string | null;
  session_id: string | null;
  username: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
}

/** Asymmetric signing keys (several instances); private_key is a JWE under a key derived from AUTH_SECRET. */
export interface SigningKeysTable {
  kid: string;
  generation: number;
  alg: string;
  private_key: string;
  created_at: Timestamp;
  activates_at: Timestamp;
}

/** Single-use tokens of mailed links; only a SHA-256 of the token is kept. */
export interface AccountTokensTable {
  token_hash: string;
  user_id: string;
  purpose: string;
  email: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** Mails waiting to be sent (and those sent, until purged). */
export interface MailOutboxTable {
  id: Generated<string>;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: Timestamp;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  sent_at: Timestamp | null;
  last_error: string | null;
}

/** Security events waiting for (or done with) delivery to the webhook receiver (0015). */
export interface WebhookOutboxTable {
  id: Generated<string>;
  /** The event's id: the webhook-id header, the same on every attempt (receivers drop repeats). */
  message_id: string;
  event_type: string;
  /** The JSON body, exactly as signed. */
  payload: string;
  created_at: Timestamp;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  delivered_at: Timestamp | null;
  /** Set when the tries ran out: never tried again. */
  abandoned_at: Timestamp | null;
  last_error: string | null;
}

/** The first-run setup link's token, hashed. */
export interface SetupTokensTable {
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** A user's TOTP secret (JWE); on once enabled_at is set. */
export interface UserTotpTable {
  user_id: string;
  secret: string;
  created_at: Timestamp;
  enabled_at: Timestamp | null;
  /** The newest accepted 30 s step (replay); PostgreSQL bigint comes back as text. */
  last_step: ColumnType<string | number | null, number | null | undefined, number | null>;
  /** Consecutive wrong TOTP codes (0008); at MFA_MAX_FAILED_CODES the factor is locked. */
  failed_codes: Generated<number>;
  /** When the mailed unlock link last cleared the lock (0011): a lock within 24 hours of it mails no link. */
  link_unlocked_at: ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
}

/**
 * SQLite only (0013): ids of users whose cached fields or pending address
 * changed, appended by triggers, read by the polling feed. PostgreSQL
 * announces the same with NOTIFY and has no such table.
 */
export interface UserChangesTable {
  seq: Generated<number>;
  user_id: string;
  /** SQLite's own clock (the trigger's), for purging only. */
  changed_at: string;
}

/** Recovery codes, SHA-256 only, single use. */
export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

/** Sign-ins waiting for a second factor; SHA-256 of the pending cookie's token. */
export interface MfaPendingTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  /** Codes tried with it (0008); it ends after MFA_PENDING_ATTEMPTS. */
  attempts: Generated<number>;
  /** What the first factor proved, space-separated RFC 8176 values (0012). */
  amr: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  signing_keys: SigningKeysTable;
  account_tokens: AccountTokensTable;
  mail_outbox: MailOutboxTable;
  webhook_outbox: WebhookOutboxTable;
  setup_tokens: SetupTokensTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  mfa_pending: MfaPendingTable;
  user_changes: UserChangesTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
