import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

/**
 * The PostgreSQL channel on which instances (and the CLI) announce the
 * sessions they ended. A payload is session ids joined by commas.
 */
export const REVOCATION_CHANNEL = "tollgate_revocations";

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

/** Session ids are base64url (22 characters today); anything else in a payload is ignored. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Ids batched into as few payloads as fit under PostgreSQL's limit. */
export function encodeRevocations(sessionIds: readonly string[]): string[] {
  const payloads: string[] = [];
  let current = "";
  for (const id of sessionIds) {
    if (!SESSION_ID.test(id)) throw new TypeError("A session id must be base64url");
    if (current.length > 0 && current.length + 1 + id.length > MAX_PAYLOAD_BYTES) {
      payloads.push(current);
      current = "";
    }
    current = current.length > 0 ? `${current},${id}` : id;
  }
  if (current.length > 0) payloads.push(current);
  return payloads;
}

export function decodeRevocations(payload: string): string[] {
  return payload.split(",").filter((id) => SESSION_ID.test(id));
}

/** Announces ended sessions to every listening instance (delivered when this statement commits). */
export async function notifyRevocations(db: Kysely<Database>, sessionIds: readonly string[]): Promise<void> {
  for (const payload of encodeRevocations(sessionIds)) {
    await sql`SELECT pg_notify(${REVOCATION_CHANNEL}, ${payload})`.execute(db);
  }
}
