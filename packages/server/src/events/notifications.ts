import { accountName, factorChangedMail, newDeviceMail } from "../mail/templates.js";
import type { Services } from "../services.js";
import { deviceName } from "./device-name.js";
import type { TollgateEvent } from "./types.js";

/** How mails name a factor. */
const FACTOR_WORDS: Record<string, string> = {
  totp: "an authenticator app (two-step sign-in)",
  passkey: "a passkey",
};

/**
 * Security notices by mail, from the event stream: a sign-in from a new
 * device (for an account that had signed in before: the first sign-in of a
 * new account is no news), a sign-in method or second factor added or
 * removed. Only to a confirmed address; as notices, never counted against
 * nor dropped by the per-inbox quota. (Password and address changes,
 * recovery codes used and lockouts are mailed where they happen.)
 */
export function subscribeNotifications(services: Services): void {
  const { events, users, mailer, database } = services;
  const origin = (event: TollgateEvent) => ({
    device: deviceName(event.client.userAgent),
    ip: event.client.ip,
    at: new Date(event.occurredAt),
  });
  const recipient = async (userId: string) => {
    const user = await users.findById(userId);
    return user?.isActive && user.email && user.emailVerified ? { user, email: user.email } : undefined;
  };

  // Through the mailer's deferred work, so mailer.settle() (shutdown, tests) waits for them too.
  events.on("device.new", (event) =>
    mailer.defer(async () => {
      const to = await recipient(event.data.userId);
      if (!to) return;
      const earlier = await database.db
        .selectFrom("sessions")
        .select("id")
        .where("user_id", "=", event.data.userId)
        .where("id", "!=", event.data.sessionId)
        .limit(1)
        .executeTakeFirst();
      if (!earlier) return;
      await mailer.enqueue(newDeviceMail(to.email, accountName(to.user), origin(event)), { kind: "notice" });
    }),
  );

  const factorChanged =
    (change: "added" | "removed") => async (event: TollgateEvent<"factor.added" | "factor.removed">) => {
      const to = await recipient(event.data.userId);
      if (!to) return;
      const factor = FACTOR_WORDS[event.data.factor] ?? event.data.factor;
      await mailer.enqueue(factorChangedMail(to.email, accountName(to.user), change, factor, origin(event)), {
        kind: "notice",
      });
    };
  events.on("factor.added", factorChanged("added"));
  events.on("factor.removed", factorChanged("removed"));
}
