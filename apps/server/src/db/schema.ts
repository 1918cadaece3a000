import type { ColumnType, Generated, Selectable } from "kysely";

/** PostgreSQL returns a Date, SQLite the ISO-8601 text it stores: read with `new Date(…)`. */
type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
/** PostgreSQL returns a boolean, SQLite 1 or 0: read with `Boolean(…)`. */
type Flag = ColumnType<boolean | number, boolean | undefined, boolean>;

export interface UsersTable {
  id: string;
  username: string;
  first_name: Generated<string>;
  last_name: Generated<string>;
  password_hash: string;
  /** Optional; unique ignoring case, stored as given. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  email_verified: Flag;
  is_active: Flag;
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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  signing_keys: SigningKeysTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
