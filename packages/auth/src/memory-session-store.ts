import type { NewSession, RevokedSession, RevokeReason, RotateInput, SessionStore, StoredSession } from "./store.js";

/** A SessionStore kept in process memory: for tests and single-process tools. */
export function createMemorySessionStore(): SessionStore {
  const byId = new Map<string, StoredSession>();
  const idByLookup = new Map<string, string>();

  function update(id: string, patch: Partial<StoredSession>): void {
    const current = byId.get(id);
    if (current) byId.set(id, { ...current, ...patch });
  }

  return {
    async insert(session: NewSession) {
      if (byId.has(session.id) || idByLookup.has(session.lookupHash)) {
        throw new Error("Duplicate session");
      }
      byId.set(session.id, {
        ...session,
        previousHash: null,
        rotationSalt: null,
        rotatedAt: session.createdAt,
        lastUsedAt: session.createdAt,
        revokedAt: null,
        revokedReason: null,
      });
      idByLookup.set(session.lookupHash, session.id);
    },
    async findByLookupHash(lookupHash) {
      const id = idByLookup.get(lookupHash);
      return id === undefined ? undefined : byId.get(id);
    },
    async findById(id) {
      return byId.get(id);
    },
    async rotate(input: RotateInput) {
      // No await between read and write: atomic within one event loop.
      const session = byId.get(input.id);
      if (!session || session.revokedAt !== null || session.currentHash !== input.expectedHash) return undefined;
      update(input.id, {
        previousHash: session.currentHash,
        currentHash: input.nextHash,
        rotationSalt: input.rotationSalt,
        rotatedAt: input.now,
        lastUsedAt: input.now,
      });
      return byId.get(input.id);
    },
    async reauthenticate(input) {
      const session = byId.get(input.id);
      if (!session || session.revokedAt !== null) return undefined;
      update(input.id, { amr: [...input.amr], authTime: input.authTime });
      return byId.get(input.id);
    },
    async revoke(id: string, reason: RevokeReason, now: Date) {
      const session = byId.get(id);
      if (!session || session.revokedAt !== null) return false;
      update(id, { revokedAt: now, revokedReason: reason });
      return true;
    },
    async revokeAllForUser(userId, reason, now, exceptId) {
      const ended: string[] = [];
      for (const session of byId.values()) {
        if (session.userId === userId && session.revokedAt === null && session.id !== exceptId) {
          update(session.id, { revokedAt: now, revokedReason: reason });
          ended.push(session.id);
        }
      }
      return ended;
    },
    async revokedSince(since) {
      const revoked: RevokedSession[] = [];
      for (const { id, revokedAt } of byId.values()) {
        if (revokedAt !== null && revokedAt > since) revoked.push({ id, revokedAt });
      }
      return revoked;
    },
    async listForUser(userId, since) {
      return [...byId.values()]
        .filter((s) => s.userId === userId)
        .filter((s) => (s.revokedAt ?? s.expiresAt).getTime() > since.getTime())
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },
    async deleteEnded({ endedBefore, lastUsedBefore }) {
      let count = 0;
      for (const session of [...byId.values()]) {
        const ended =
          (session.revokedAt !== null && session.revokedAt < endedBefore) ||
          session.expiresAt < endedBefore ||
          session.lastUsedAt < lastUsedBefore;
        if (!ended) continue;
        byId.delete(session.id);
        idByLookup.delete(session.lookupHash);
        count++;
      }
      return count;
    },
  };
}
