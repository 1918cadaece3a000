import {
  ASSURANCE_LEVELS,
  type AssuranceLevel,
  AuthError,
  assuranceLevelOf,
  combineAmr,
  meetsLevel,
  type StoredSession,
} from "@tollgate/auth";
import type { Context } from "../context.js";
import type { SecondFactorName } from "../methods/method.js";
import type { UserWithHash } from "../stores/user-store.js";
import { requireActiveUser } from "./active-user.js";
import { methodsOf } from "./served-methods.js";
import { PASSWORD_PROOF } from "./session-start.js";
import { hasUsablePassword } from "./usable-password.js";

/** What a sensitive procedure asks of the session's proof of identity. */
export interface StepUpRequirement {
  /** Seconds since the last proof (sign-in or step-up); default STEP_UP_MAX_AGE. */
  readonly maxAge?: number;
  /** The weakest level accepted; default "password" (any proof). */
  readonly level?: AssuranceLevel;
}

/** A way to step up: "password", or a second factor's name as auth.login names it. */
export type StepUpMethodName = "password" | SecondFactorName;

/** `data.stepUp` of a STEP_UP_REQUIRED error: what would satisfy the procedure. */
export interface StepUpRequired {
  /** The levels that satisfy it (the one asked for and every stronger one). */
  readonly levels: readonly AssuranceLevel[];
  /** Seconds the proof may be old. */
  readonly maxAge: number;
  /** The session's level now; null when it has none (a session older than step-up). */
  readonly currentLevel: AssuranceLevel | null;
  /** How this user can prove it at auth.stepUp.verify. */
  readonly methods: readonly StepUpMethodName[];
}

/** The second factors on for `user`, each with the names it answers to (as auth.login gives them). */
export async function factorsOnFor(ctx: Context, user: UserWithHash) {
  const on = [];
  for (const method of methodsOf(ctx.services)) {
    const factor = method.secondFactor;
    const names = factor && (await factor.challenge(ctx, user));
    if (factor && names && names.length > 0) on.push({ factor, names });
  }
  return on;
}

/**
 * The methods that can satisfy `level` for this session: the password only
 * when the account has one and, with what the session already holds, it
 * reaches the level (the same factor again never makes two); every second
 * factor on for the user.
 */
async function methodsFor(
  ctx: Context,
  user: UserWithHash,
  session: StoredSession | undefined,
  level: AssuranceLevel,
): Promise<StepUpMethodName[]> {
  const methods: StepUpMethodName[] = [];
  const passwordCounts = meetsLevel(assuranceLevelOf(combineAmr(session?.amr ?? [], PASSWORD_PROOF.amr)), level);
  if (passwordCounts && hasUsablePassword(user)) methods.push("password");
  for (const { names } of await factorsOnFor(ctx, user)) methods.push(...names);
  return methods;
}

/** Whether the session's proof is recent and strong enough. */
export function proofSatisfies(session: StoredSession, now: number, maxAge: number, level: AssuranceLevel): boolean {
  if (session.authTime === null) return false;
  const age = now - session.authTime.getTime();
  return age <= maxAge * 1000 && meetsLevel(assuranceLevelOf(session.amr), level);
}

/**
 * Refuses, with STEP_UP_REQUIRED (403) and what would satisfy it, a session
 * whose last proof of identity is older than `maxAge` or weaker than `level`.
 * The session row decides, not the access token: a step-up counts at once,
 * for cookie and Bearer callers alike, and an older token cannot claim more.
 */
export async function requireRecentProof(
  ctx: Context,
  session: { readonly userId: string; readonly sessionId: string },
  requirement: StepUpRequirement = {},
): Promise<void> {
  const { auth, config, now } = ctx.services;
  const maxAge = requirement.maxAge ?? config.stepUpMaxAge;
  const level = requirement.level ?? "password";
  const stored = await auth.sessions.get(session.sessionId);
  if (stored && stored.userId === session.userId && proofSatisfies(stored, now(), maxAge, level)) return;
  const user = await requireActiveUser(ctx.services.users, session.userId);
  const stepUp: StepUpRequired = {
    levels: ASSURANCE_LEVELS.slice(ASSURANCE_LEVELS.indexOf(level)),
    maxAge,
    currentLevel: (stored && assuranceLevelOf(stored.amr)) ?? null,
    methods: await methodsFor(ctx, user, stored, level),
  };
  throw new AuthError("STEP_UP_REQUIRED", "Confirm it is you: this needs a recent sign-in (auth.stepUp.verify)", {
    data: { stepUp },
  });
}
