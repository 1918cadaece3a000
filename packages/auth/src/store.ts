import type { Amr } from "./protocol/assurance.js";

/**
 * Storage for sessions, supplied by the application (the server's Kysely
 * store, or the in-memory one). Only hashes of refresh-token parts are stored.
 */

export type RevokeReason =
  | "logout"
  | "logout_all"
  | "revoked_by_user"
  | "password_changed"
  | "refresh_token_reused"
  | "admin";

export interface NewSession {
  /** Public id: the `sid` claim and what auth.sessions lists. */
  readonly id: string;
  readonly userId: string;
  /** SHA-256 of the refresh token's lookup part; unique. */
  readonly lookupHash: string;
  /** SHA-256 of the current refresh secret. */
  readonly currentHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly userAgent: string | null;
  readonly ip: string | null;
  /** How the session was established (a sign-in method's name, e.g. "password+totp"); null when not recorded. */
  readonly authMethod: string | null;
  /** RFC 8176 methods proved so far (sign-in, then step-ups); empty for sessions older than step-up. */
  readonly amr: readonly Amr[];
  /** When the user last proved who they are (sign-in or step-up); null for sessions older than step-up (oldest). */
  readonly authTime: Date | null;
}

export interface StoredSession extends NewSession {
  /** SHA-256 of the secret the current one replaced; honoured during the reuse grace. */
  readonly previousHash: string | null;
  /** Salt the current secret was derived with from the previous one. */
  readonly rotationSalt: string | null;
  /** When the current secret was issued. */
  readonly rotatedAt: Date;
  readonly lastUsedAt: Date;
  readonly revokedAt: Date | null;
  readonly revokedReason: RevokeReason | null;
}

/** A revoked session, as the in-memory set of ended sessions needs it. */
export interface RevokedSession {
  readonly id: string;
  readonly revokedAt: Date;
}

export interface RotateInput {
  readonly id: string;
  /** Swap only if the stored current hash still equals this. */
  readonly expectedHash: string;
  readonly nextHash: string;
  readonly rotationSalt: string;
  readonly now: Date;
}

export interface ReauthenticateInput {
  readonly id: string;
  /** The session's methods after this proof (the caller unites them with the stored ones). */
  readonly amr: readonly Amr[];
  readonly authTime: Date;
}

export interface SessionStore {
  insert(session: NewSession): Promise<void>;
  findByLookupHash(lookupHash: string): Promise<StoredSession | undefined>;
  findById(id: string): Promise<StoredSession | undefined>;
  /**
   * Atomic compare-and-swap: when the session is not revoked and its current
   * hash equals `expectedHash`, make it the previous hash, store `nextHash` as
   * current, and set rotatedAt and lastUsedAt to `now`. Returns the rotated
   * session, or undefined when it did not swap. Must stay correct with several
   * processes racing on one store.
   */
  rotate(input: RotateInput): Promise<StoredSession | undefined>;
  /**
   * Records a new proof of identity on a session that is not revoked (step-up):
   * stores `amr` and `authTime`, nothing else (the refresh token is untouched,
   * so its family never forks). Returns the updated session, or undefined when
   * it is missing or revoked.
   */
  reauthenticate(input: ReauthenticateInput): Promise<StoredSession | undefined>;
  /** Revokes one session if live; returns whether it did. */
  revoke(id: string, reason: RevokeReason, now: Date): Promise<boolean>;
  /** Revokes every live session of a user except `exceptId`; returns the ids of the sessions it ended. */
  revokeAllForUser(userId: string, reason: RevokeReason, now: Date, exceptId?: string): Promise<string[]>;
  /** Sessions revoked after `since` (any user), for the in-memory set of ended sessions. */
  revokedSince(since: Date): Promise<RevokedSession[]>;
  /** Sessions of a user not revoked and not expired before `since`, newest first (the caller decides liveness). */
  listForUser(userId: string, since: Date): Promise<StoredSession[]>;
  /**
   * Deletes sessions that ended before `cutoff.endedBefore`: revoked or past
   * their absolute expiry before it, or last used before `cutoff.lastUsedBefore`.
   * Returns how many.
   */
  deleteEnded(cutoff: { readonly endedBefore: Date; readonly lastUsedBefore: Date }): Promise<number>;
}
