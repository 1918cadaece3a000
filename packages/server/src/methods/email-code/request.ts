import { z } from "zod";
import { audit } from "../../core/audit.js";
import { email } from "../../core/inputs.js";
import { accountLink } from "../../core/mail-links.js";
import { accountName, signInCodeMail } from "../../mail/templates.js";
import { publicProcedure } from "../../trpc.js";
import { requireEmailCodeOn } from "./errors.js";
import { emailCodeStore } from "./state.js";
import { EMAIL_CODE_TTL_MS } from "./store.js";

/**
 * Counted apart from password-reset requests on the same limiter: a subject
 * of its own per address (and the limiter's count per client network).
 */
const REQUEST_SUBJECT = (address: string) => `email-code:${address.toLowerCase()}`;

/**
 * A new request within this long of the last code mailed to the account,
 * while that one is live, mails nothing: a second click, or anonymous
 * requests from many networks, never fill the owner's inbox (the per
 * recipient mail quota bounds the rest).
 */
const REISSUE_AFTER_MS = 60_000;

export const requestInput = z.object({ email }).strict();

/**
 * auth.emailCode.request: always `{ ok: true }`, at the same speed, whether
 * or not an account has this address: the request limit (per address and
 * per client network) is the only work on the request path; looking the
 * address up, issuing the code and queueing the mail run after the
 * response. Only an active account whose address is confirmed gets a mail.
 */
export const request = publicProcedure.input(requestInput).mutation(async ({ ctx, input }) => {
  requireEmailCodeOn(ctx);
  const { resetLimiter, users, mailer } = ctx.services;
  const attempt = await resetLimiter.reserve({ subject: REQUEST_SUBJECT(input.email), network: ctx.request.ip });
  await attempt.settle("failure");
  // Built now: the link's origin comes from this request.
  const link = (token: string) => accountLink(ctx, "/sign-in-link", token);
  mailer.defer(async () => {
    const user = await users.findByEmail(input.email);
    await audit(ctx, { event: "email_code_requested", userId: user?.id, username: user?.username });
    if (!user?.isActive || !user.email || !user.emailVerified) return;
    const store = emailCodeStore(ctx.services);
    const issued = await store.issue(user.id, user.email, REISSUE_AFTER_MS);
    if (!issued) return;
    const minutes = EMAIL_CODE_TTL_MS / 60_000;
    const sent = await mailer.enqueue(
      signInCodeMail(user.email, accountName(user), issued.code, link(issued.linkToken), minutes),
    );
    // Dropped by the quota: nobody holds this code, so it must not hold back the next request.
    if (!sent) await store.voidAll(user.id);
  });
  return { ok: true as const };
});
