import { AuthError, usernameLookupForm } from "@tollgate/auth";
import { z } from "zod";
import { audit } from "../../core/audit.js";
import { completeSignIn } from "../../core/complete-sign-in.js";
import { email } from "../../core/inputs.js";
import type { SignInProof } from "../../core/session-start.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { TOKEN_SHAPE } from "../../stores/token-hash.js";
import type { UserWithHash } from "../../stores/user-store.js";
import { credentialProcedure } from "../../trpc.js";
import { emailCodeInvalid, requireEmailCodeOn } from "./errors.js";
import { emailCodeStore } from "./state.js";
import type { EmailCodeGrant } from "./store.js";

/** The sign-in limit's name for guesses at link tokens (256 bits): counted per client network only. */
const LINK_TOKEN_KEY = "\u0000email-code-link";

/**
 * What a mailed code proves: one factor, possession of the inbox. RFC 8176
 * has no value of its own for it; "otp" is a one-time code, so a TOTP code
 * after it is the same kind and never makes two factors (a mailed code
 * never stands in for both).
 */
export const EMAIL_CODE_PROOF: SignInProof = { authMethod: "email_code", amr: ["otp"] };

export const verifyInput = z.union([
  z.object({ email, code: z.string().regex(/^\d{6}$/, "six digits") }).strict(),
  z.object({ token: z.string().regex(TOKEN_SHAPE, "a link's token") }).strict(),
]);

/**
 * auth.emailCode.verify: `{ email, code }` (the six digits) or `{ token }`
 * (the link): checked under the sign-in limit (a code on the account's
 * count, with the sign-ins; a link per client network), single use, 10
 * minutes, five tries per code. Right: the address is confirmed, and the
 * sign-in completes as a password's does, so a second factor on the account
 * is still asked (auth.mfa.verify). Wrong: EMAIL_CODE_INVALID, the same for
 * an unknown address, a wrong, used or expired code.
 */
export const verify = credentialProcedure.input(verifyInput).mutation(async ({ ctx, input }) => {
  requireEmailCodeOn(ctx);
  const { users } = ctx.services;
  const store = emailCodeStore(ctx.services);
  let grant: EmailCodeGrant | undefined;
  let owner: UserWithHash | undefined;
  if ("token" in input) {
    await limitedCheck(ctx, { username: LINK_TOKEN_KEY, networkOnly: true, signIn: true }, async () => {
      grant = await store.useLink(input.token);
      return grant !== undefined;
    });
    owner = grant && (await users.findById(grant.userId));
  } else {
    owner = await users.findByEmail(input.email);
    const account = owner;
    await limitedCheck(
      ctx,
      account
        ? { username: usernameLookupForm(account.username), userId: account.id, signIn: true }
        : { username: `\u0000email-code:${input.email.toLowerCase()}`, signIn: true },
      async () => {
        grant = account?.email ? await store.useCode(account.id, account.email, input.code) : undefined;
        return grant !== undefined;
      },
    );
  }
  if (!grant || !owner) {
    ctx.services.metrics.signIn("failure");
    await audit(ctx, { event: "login_failed", userId: owner?.id, username: owner?.username, detail: "email_code" });
    throw emailCodeInvalid();
  }
  if (!owner.isActive) {
    ctx.services.metrics.signIn("failure");
    throw new AuthError("ACCOUNT_INACTIVE", "This account is inactive");
  }
  // Only the address the code went to, and only if it is still the account's.
  if (owner.email?.toLowerCase() === grant.email.toLowerCase()) await users.markEmailVerified(owner.id, grant.email);
  const outcome = await completeSignIn(ctx, owner, EMAIL_CODE_PROOF);
  if (outcome.pending) return outcome.pending;
  ctx.services.metrics.signIn("success");
  await audit(ctx, { event: "login_succeeded", userId: owner.id, sessionId: outcome.sessionId, detail: "email_code" });
  return outcome.signedIn;
});
