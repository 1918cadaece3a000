import type { NewSession, RevokeReason, SessionStore, StoredSession } from "@tollgate/auth";
import type { Kysely } from "kysely";
import type { Database, SessionRow } from "../db/schema.js";
import { amrFromColumn, amrToColumn } from "./amr-column.js";

export function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    lookupHash: row.lookup_hash,
    currentHash: row.current_hash,
    previousHash: row.previous_hash,
    rotationSalt: row.rotation_salt,
    createdAt: new Date(row.created_at),
    rotatedAt: new Date(row.rotated_at),
    lastUsedAt: new Date(row.last_used_at),
    expiresAt: new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    revokedReason: row.revoked_reason as RevokeReason | null,
    userAgent: row.user_agent,
    ip: row.ip,
    authMethod: row.auth_method,
    amr: amrFromColumn(row.amr),
    authTime: row.auth_time === null ? null : new Date(row.auth_time),
  };
}

/** SessionStore on Kysely (PostgreSQL or the embedded database). */
export function createKyselySessionStore(db: Kysely<Database>): SessionStore {
  return {
    async insert(session: NewSession) {
      await db
        .insertInto("sessions")
        .values({
          id: session.id,
          user_id: session.userId,
          lookup_hash: session.lookupHash,
          current_hash: session.currentHash,
          created_at: session.createdAt,
          rotated_at: session.createdAt,
          last_used_at: session.createdAt,
          expires_at: session.expiresAt,
          user_agent: session.userAgent,
          ip: session.ip,
          auth_method: session.authMethod,
          amr: amrToColumn(session.amr),
          auth_time: session.authTime,
        })
        .execute();
    },
    async findByLookupHash(lookupHash) {
      const row = await db.selectFrom("sessions").selectAll().where("lookup_hash", "=", lookupHash).executeTakeFirst();
      return row && toSession(row);
    },
    async findById(id) {
      const row = await db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toSession(row);
    },
    async rotate(input) {
      // One conditional UPDATE: an atomic compare-and-swap (PostgreSQL's row
      // lock; SQLite's write lock), so racing requests, instances or
      // processes cannot both rotate one token.
      const row = await db
        .updateTable("sessions")
        .set((eb) => ({
          previous_hash: eb.ref("current_hash"),
          current_hash: input.nextHash,
          rotation_salt: input.rotationSalt,
          rotated_at: input.now,
          last_used_at: input.now,
        }))
        .where("id", "=", input.id)
        .where("current_hash", "=", input.expectedHash)
        .where("revoked_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      return row && toSession(row);
    },
    async reauthenticate(input) {
      const row = await db
        .updateTable("sessions")
        .set({ amr: amrToColumn(input.amr), auth_time: input.authTime })
        .where("id", "=", input.id)
        .where("revoked_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      return row && toSession(row);
    },
    async revoke(id, reason, now) {
      const result = await db
        .updateTable("sessions")
        .set({ revoked_at: now, revoked_reason: reason })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revokeAllForUser(userId, reason, now, exceptId) {
      let query = db
        .updateTable("sessions")
        .set({ revoked_at: now, revoked_reason: reason })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null);
      if (exceptId !== undefined) query = query.where("id", "!=", exceptId);
      const rows = await query.returning("id").execute();
      return rows.map((row) => row.id);
    },
    async revokedSince(since) {
      // sessions_revoked_at_idx (migration 0002): a range scan over recent revocations only.
      const rows = await db
        .selectFrom("sessions")
        .select(["id", "revoked_at"])
        .where("revoked_at", ">", since)
        .execute();
      return rows.flatMap((row) =>
        row.revoked_at === null ? [] : [{ id: row.id, revokedAt: new Date(row.revoked_at) }],
      );
    },
    async listForUser(userId, since) {
      const rows = await db
        .selectFrom("sessions")
        .selectAll()
        .where("user_id", "=", userId)
        .where((eb) =>
          eb.or([eb.and([eb("revoked_at", "is", null), eb("expires_at", ">", since)]), eb("revoked_at", ">", since)]),
        )
        .orderBy("created_at", "desc")
        .orderBy("id")
        .execute();
      return rows.map(toSession);
    },
    async deleteEnded({ endedBefore, lastUsedBefore }) {
      const result = await db
        .deleteFrom("sessions")
        .where((eb) =>
          eb.or([
            eb("revoked_at", "<", endedBefore),
            eb("expires_at", "<", endedBefore),
            eb("last_used_at", "<", lastUsedBefore),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
