import { type Amr, type AssuranceLevel, AuthError, assuranceLevelOf } from "@tollgate/auth";
import { z } from "zod";
import type { Context } from "../context.js";
import { requireActiveUser } from "../core/active-user.js";
import { audit } from "../core/audit.js";
import { checkCurrentPassword } from "../core/current-password.js";
import { password } from "../core/inputs.js";
import { PASSWORD_PROOF } from "../core/session-start.js";
import { factorsOnFor, type StepUpMethodName } from "../core/step-up.js";
import type { AnySignInMethod, SecondFactor, SecondFactorInput } from "../methods/method.js";
import type { UserWithHash } from "../stores/user-store.js";
import { protectedCredentialMutation, protectedMutation, router } from "../trpc.js";

const passwordProof = z.object({ password }).strict();
type PasswordProof = z.infer<typeof passwordProof>;

/** The session's proof as a client sees it (auth.stepUp.options, verify). */
export interface ProofState {
  readonly level: AssuranceLevel | null;
  readonly amr: readonly Amr[];
  /** Epoch ms of the last proof; null for a session older than step-up. */
  readonly authTime: number | null;
}

/** `{ password }` or one of the served second factors' inputs (told apart by their keys, as at auth.mfa.verify). */
function verifyInput(factors: readonly SecondFactor[]) {
  const schemas = [passwordProof, ...factors.map((f) => f.input)];
  return z.union(schemas as [z.ZodType, ...z.ZodType[]]) as z.ZodType<
    PasswordProof | SecondFactorInput,
    PasswordProof | SecondFactorInput
  >;
}

/**
 * Checks one proof for the signed-in user: the password (CURRENT_PASSWORD_WRONG
 * when wrong) or a second factor that is on for them (MFA_NOT_ENABLED when it
 * is not; MFA_CODE_INVALID when wrong). Each goes through the sign-in limit
 * inside its own check. Returns what it proved.
 */
async function prove(
  ctx: Context,
  user: UserWithHash,
  factors: readonly SecondFactor[],
  given: PasswordProof | SecondFactorInput,
  sessionId: string,
  signal: AbortSignal | undefined,
): Promise<{ authMethod: string; amr: readonly Amr[] }> {
  if (passwordProof.safeParse(given).success) {
    await checkCurrentPassword(ctx, user, (given as PasswordProof).password, signal);
    return PASSWORD_PROOF;
  }
  const factor = factors.find((f) => f.input.safeParse(given).success);
  const on = factor && (await factor.challenge(ctx, user));
  if (!factor || !on) throw new AuthError("MFA_NOT_ENABLED", "That second factor is not on for this account");
  const proof = await factor.verify(ctx, user, given as object);
  if (!proof) throw new AuthError("MFA_CODE_INVALID", "The code is wrong, expired or already used");
  await proof.afterSignIn?.(sessionId);
  return proof;
}

/**
 * auth.stepUp: proving again who one is, on the same session (no new
 * session, the refresh token untouched, so its family never forks):
 * - options(): the session's proof now, STEP_UP_MAX_AGE, and the methods
 *   this user can answer with, with what each factor's `prepare` gives (a
 *   passkey's request options). A mutation: preparing may store a challenge.
 * - verify({ password } | a second factor's input): checked under the sign-in
 *   limit and never inside a batch; the session's amr becomes the union with
 *   this proof, its auth time now, and a new access token (with the new
 *   amr / auth_time / acr) replaces the access cookie. Refreshes after it
 *   carry the same, read from the session.
 */
export function stepUpRouter(methods: readonly AnySignInMethod[]) {
  const factors: SecondFactor[] = methods.flatMap((m) => (m.secondFactor ? [m.secondFactor] : []));
  const input = verifyInput(factors);

  const options = protectedMutation.mutation(async ({ ctx }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    const session = await ctx.services.auth.sessions.get(ctx.session.sessionId);
    const names: StepUpMethodName[] = ["password"];
    const prepared: Record<string, Record<string, unknown>> = {};
    for (const { factor, names: answers } of await factorsOnFor(ctx, user)) {
      names.push(...answers);
      const data = await factor.prepare?.(ctx, user);
      if (data && answers[0]) prepared[answers[0]] = data;
    }
    const proof: ProofState = {
      level: (session && assuranceLevelOf(session.amr)) ?? null,
      amr: session?.amr ?? [],
      authTime: session?.authTime?.getTime() ?? null,
    };
    return { ...proof, maxAge: ctx.services.config.stepUpMaxAge, methods: names, prepared };
  });

  const verify = protectedCredentialMutation.input(input).mutation(async ({ ctx, input: given, signal }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    let proof: { authMethod: string; amr: readonly Amr[] };
    try {
      proof = await prove(ctx, user, factors, given, ctx.session.sessionId, signal);
    } catch (error) {
      if (
        error instanceof AuthError &&
        (error.code === "CURRENT_PASSWORD_WRONG" || error.code === "MFA_CODE_INVALID")
      ) {
        await audit(ctx, { event: "step_up_failed", userId: user.id, sessionId: ctx.session.sessionId });
      }
      throw error;
    }
    const { auth } = ctx.services;
    const session = await auth.sessions.reauthenticate(ctx.session.sessionId, proof.amr);
    const access = await auth.accessTokens.issue({ userId: user.id, sessionId: session.id, proof: session });
    ctx.setCookies(auth.cookies.setAccessToken(access.token));
    await audit(ctx, { event: "step_up", userId: user.id, sessionId: session.id, detail: proof.authMethod });
    const state: ProofState = {
      level: assuranceLevelOf(session.amr) ?? null,
      amr: session.amr,
      authTime: session.authTime?.getTime() ?? null,
    };
    return { ...state, accessTokenExpiresAt: access.expiresAt };
  });

  return router({ options, verify });
}
