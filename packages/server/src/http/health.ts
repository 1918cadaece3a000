import type { AuthErrorCode } from "@tollgate/auth/protocol";
import { sql } from "kysely";
import type { Services } from "../services.js";
import { type HttpAnswer, jsonAnswer } from "./answer.js";

/**
 * GET /healthz: 200 while the database answers, with how ended sessions are
 * known ("live": in memory; "database": the channel is down, each token's
 * session is read); 503 when it does not, with the outage's code as every
 * other failure carries one.
 */
export async function healthAnswer(services: Services, headers: Headers): Promise<HttpAnswer> {
  headers.set("Cache-Control", "no-store");
  try {
    await sql`select 1`.execute(services.database.db);
    return jsonAnswer(200, { status: "ok", revocations: services.auth.revocations.mode }, headers);
  } catch {
    return jsonAnswer(
      503,
      {
        status: "unavailable",
        reason: "database unreachable",
        error: { code: "BACKEND_UNAVAILABLE" satisfies AuthErrorCode, message: "Database unavailable" },
      },
      headers,
    );
  }
}
