import { createTollgate, loadConfig } from "@tollgate/server";

const tollgate = await createTollgate({ config: loadConfig() });

// A refresh token used twice: the session was stolen or copied, and Tollgate ended it.
tollgate.events.on("session.revoked", (event) => {
  if (event.data.reason === "token_reuse") {
    console.warn(`session ${event.data.sessionId} of ${event.data.userId} ended: token reuse from ${event.client.ip}`);
  }
});
// Every administrator action, for your own audit trail.
tollgate.events.on("admin.action", (event) => {
  console.info(`${event.data.adminId} ${event.data.action} ${event.data.userId} at ${event.occurredAt}`);
});
