import type { AssuranceLevel } from "@tollgate/auth/protocol";
import { isTRPCClientError } from "@trpc/client";
import type { TollgateClient } from "./create-client.js";

/** `data.stepUp` of a STEP_UP_REQUIRED error: what would satisfy the procedure that refused. */
export interface StepUpRequired {
  /** The levels that satisfy it, the weakest first. */
  readonly levels: readonly AssuranceLevel[];
  /** Seconds the proof may be old. */
  readonly maxAge: number;
  /** The session's level now; null for a session that has none. */
  readonly currentLevel: AssuranceLevel | null;
  /** What this user can prove it with at auth.stepUp.verify: "password" and second factors' names ("totp", "recovery_code"…). */
  readonly methods: readonly string[];
}

/** What auth.stepUp.verify takes, typed from the server's router: `{ password }`, `{ code }`, `{ recoveryCode }`… */
export type StepUpProof = Parameters<TollgateClient["auth"]["stepUp"]["verify"]["mutate"]>[0];

interface StepUpErrorData {
  authCode?: unknown;
  stepUp?: StepUpRequired;
}

/**
 * The step-up a call failed for (403 with authCode STEP_UP_REQUIRED), typed;
 * undefined for every other failure.
 */
export function stepUpRequiredOf(error: unknown): StepUpRequired | undefined {
  if (!isTRPCClientError(error)) return undefined;
  const data = error.data as StepUpErrorData | undefined;
  if (data?.authCode !== "STEP_UP_REQUIRED" || typeof data.stepUp !== "object" || data.stepUp === null)
    return undefined;
  return data.stepUp;
}

/** Whether a call failed because it needs a fresher or stronger proof of identity (then auth.stepUp.verify, and retry). */
export function isStepUpRequired(error: unknown): boolean {
  return stepUpRequiredOf(error) !== undefined;
}

/** A client that can step up: any Tollgate client (auth.stepUp is in every router built by createTollgate). */
export interface StepUpClient {
  readonly auth: { readonly stepUp: { readonly verify: { mutate(input: StepUpProof): Promise<unknown> } } };
}

/**
 * Asks the user for a proof; undefined when they gave up. `failure` is the
 * error of the previous proof (a wrong password or code) when asked again.
 */
export type ProveIdentity = (required: StepUpRequired, failure?: unknown) => Promise<StepUpProof | undefined>;

/** Proofs asked for one action before giving up (each wrong one also counts against the server's sign-in limit). */
const MAX_PROOFS = 3;

/**
 * Runs `action`; when it answers STEP_UP_REQUIRED, asks `prove` for a
 * password or code, sends it to auth.stepUp.verify (asking again after a
 * wrong one, at most three times) and runs `action` once more. Every other
 * failure, a refused proof after the last try, or `prove` giving up rejects
 * as the call did.
 *
 * ```ts
 * await withStepUp(api, () => api.auth.logoutAll.mutate(), async () => ({ password: await askPassword() }));
 * ```
 */
export async function withStepUp<T>(client: StepUpClient, action: () => Promise<T>, prove: ProveIdentity): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const required = stepUpRequiredOf(error);
    if (!required) throw error;
    let failure: unknown;
    for (let attempt = 0; ; attempt++) {
      const proof = await prove(required, failure);
      if (proof === undefined) throw error;
      try {
        await client.auth.stepUp.verify.mutate(proof);
        break;
      } catch (refused) {
        const code = isTRPCClientError(refused) ? (refused.data as StepUpErrorData | undefined)?.authCode : undefined;
        const wrong = code === "CURRENT_PASSWORD_WRONG" || code === "MFA_CODE_INVALID";
        if (!wrong || attempt + 1 >= MAX_PROOFS) throw refused;
        failure = refused;
      }
    }
    return action();
  }
}
