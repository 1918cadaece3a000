/**
 * Where sign-in attempts are counted: per process (memory) or shared by every
 * instance (Redis). An attempt is reserved before the password is checked, in
 * one atomic step over all of its keys, so parallel, batched or pipelined
 * attempts can never run more checks than the limits allow.
 */

export interface AttemptKeys {
  /**
   * (username, client network): the contract's LOGIN_MAX_FAILURES per
   * LOGIN_WINDOW. For an attempt from a known device (a valid device cookie of
   * this account) it is (account, device) instead, with the same limit: a
   * stranger sharing the owner's network (NAT, a /64) cannot use it up, and a
   * stolen cookie buys no more than one network's worth of guesses.
   */
  readonly pair: string;
  /** The client network across usernames (password spraying). */
  readonly network: string;
  /**
   * The account across client networks (distributed guessing): progressive
   * delay. Absent for guesses at unguessable tokens, which have no account
   * to protect: one key shared by every user would let anyone block everyone;
   * and absent for a known device, which skips the account-wide delay (its
   * refusal must never lock the owner's device out).
   */
  readonly account?: string;
}

export interface AttemptRules {
  readonly pairLimit: number;
  readonly networkLimit: number;
  readonly windowMs: number;
  /** Failures of an account (all networks) before each further attempt must wait. */
  readonly accountFreeAttempts: number;
  /** The wait doubles from 1 s per attempt beyond the free ones, up to this. */
  readonly accountMaxDelayMs: number;
}

export type Reservation =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterMs: number;
      /** True for the first refusal of this key in its window (audit it once, not per attempt). */
      readonly firstRefusal: boolean;
    };

export interface AttemptStore {
  /** Counts one attempt on every key when all are under their rules; otherwise counts nothing. */
  reserve(keys: AttemptKeys, rules: AttemptRules): Promise<Reservation>;
  /** Gives a reservation back: the check never happened (an outage, a full hash queue). */
  release(keys: AttemptKeys): Promise<void>;
  /**
   * The password was right: the pair and the account (when the keys name it)
   * start afresh, the network keeps counting. A known device's keys leave the
   * account out: it never waits on it, and clearing it at each of the owner's
   * sign-ins would hand a distributed attacker fresh free guesses.
   */
  succeed(keys: AttemptKeys): Promise<void>;
  close(): Promise<void>;
}

/** Milliseconds an account must wait after `attempts` counted attempts (0 while under the free ones). */
export function accountDelayMs(attempts: number, rules: AttemptRules): number {
  if (attempts < rules.accountFreeAttempts) return 0;
  return Math.min(1000 * 2 ** (attempts - rules.accountFreeAttempts), rules.accountMaxDelayMs);
}
