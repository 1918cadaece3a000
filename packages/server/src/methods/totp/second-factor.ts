import { AuthError } from "@tollgate/auth";
import { z } from "zod";
import { audit } from "../../core/audit.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { accountName, recoveryCodeUsedMail } from "../../mail/templates.js";
import type { SecondFactor } from "../method.js";
import { checkTotp } from "./check.js";
import { recoveryCodeHash, totpCode } from "./routes.js";
import { totpState } from "./state.js";

const recoveryCode = z.string().min(1).max(64);
const verifyInput = z.union([z.object({ code: totpCode }).strict(), z.object({ recoveryCode }).strict()]);
export type TotpVerifyInput = z.infer<typeof verifyInput>;

/**
 * TOTP as a second factor: asked for when it is on; a code from the app
 * (counted against the account's cap of wrong codes) or a recovery code (the
 * owner's way past a locked factor: it clears the lock, and the owner is told).
 */
export const totpSecondFactor: SecondFactor<TotpVerifyInput> = {
  async challenge(ctx, user) {
    const totp = await totpState(ctx.services).store.findTotp(user.id);
    return totp?.enabled ? ["totp", "recovery_code"] : undefined;
  },
  input: verifyInput,
  async verify(ctx, user, input) {
    const { store } = totpState(ctx.services);
    const totp = await store.findTotp(user.id);
    if (!totp?.enabled) throw new AuthError("MFA_PENDING_INVALID", "Sign in again: two-step sign-in was turned off");
    if ("code" in input) {
      const step = await checkTotp(ctx, user, totp.sealedSecret, input.code, true);
      return step === undefined ? undefined : { authMethod: "password+totp", amr: ["otp"] };
    }
    const hash = recoveryCodeHash(input.recoveryCode);
    const used = await limitedCheck(ctx, { username: user.username, userId: user.id }, () =>
      store.useRecoveryCode(user.id, hash),
    );
    if (!used) return undefined;
    await store.clearFailedCodes(user.id);
    return {
      authMethod: "recovery_code",
      amr: ["otp"],
      async afterSignIn(sessionId) {
        await audit(ctx, { event: "recovery_code_used", userId: user.id, sessionId });
        if (user.email) {
          const left = await store.remainingRecoveryCodes(user.id);
          await ctx.services.mailer.enqueue(recoveryCodeUsedMail(user.email, accountName(user), left), {
            kind: "notice",
          });
        }
      },
    };
  },
};
