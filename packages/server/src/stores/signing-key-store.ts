import {
  isAsymmetricAlgorithm,
  type PrivateJwk,
  type SigningKeyStore,
  type SigningKeyWrap,
  type StoredSigningKey,
} from "@tollgate/auth";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

/**
 * Signing keys in the database, shared by every instance (and the CLI). The
 * private key is sealed with a key derived from AUTH_SECRET; one sealed under
 * a previous secret is sealed again under the current one when read, by a
 * conditional UPDATE, so dropping AUTH_SECRET_PREVIOUS later loses nothing.
 */
export function createKyselySigningKeyStore(db: Kysely<Database>, wrap: SigningKeyWrap): SigningKeyStore {
  /** Opened keys by sealed text: a reload every few seconds decrypts only what is new. */
  let opened = new Map<string, PrivateJwk>();

  async function open(kid: string, sealed: string): Promise<PrivateJwk> {
    const known = opened.get(sealed);
    if (known) return known;
    const { jwk, stale } = await wrap.open(kid, sealed);
    if (stale) {
      const resealed = await wrap.seal(kid, jwk);
      await db
        .updateTable("signing_keys")
        .set({ private_key: resealed })
        .where("kid", "=", kid)
        .where("private_key", "=", sealed)
        .execute();
    }
    return jwk;
  }

  return {
    async list() {
      const rows = await db.selectFrom("signing_keys").selectAll().orderBy("generation").execute();
      const next = new Map<string, PrivateJwk>();
      const keys: StoredSigningKey[] = [];
      for (const row of rows) {
        if (!isAsymmetricAlgorithm(row.alg))
          throw new TypeError(`signing key ${row.kid} has an unknown alg ${row.alg}`);
        const privateJwk = await open(row.kid, row.private_key);
        next.set(row.private_key, privateJwk);
        keys.push({
          kid: row.kid,
          alg: row.alg,
          generation: Number(row.generation),
          privateJwk,
          createdAt: new Date(row.created_at).getTime(),
          activatesAt: new Date(row.activates_at).getTime(),
        });
      }
      opened = next;
      return keys;
    },
    async add(key) {
      const result = await db
        .insertInto("signing_keys")
        .values({
          kid: key.kid,
          generation: key.generation,
          alg: key.alg,
          private_key: await wrap.seal(key.kid, key.privateJwk),
          created_at: new Date(key.createdAt),
          activates_at: new Date(key.activatesAt),
        })
        // Another writer took this generation (or kid): theirs stands.
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async remove(kids) {
      if (kids.length === 0) return;
      await db.deleteFrom("signing_keys").where("kid", "in", kids).execute();
    },
  };
}
