import type { Context } from "../../context.js";
import { hashToken } from "../../stores/token-hash.js";
import { passkeyStore } from "./state.js";
import type { ChallengePurpose } from "./tables.js";
import { webauthn } from "./webauthn.js";

/** Five minutes to answer the authenticator's prompt. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * Stores the challenge of options just made (only its SHA-256: the challenge
 * is the lookup key the client hands back). A user's earlier challenge of the
 * same purpose goes: one account never piles up rows.
 */
export async function storeChallenge(
  ctx: Context,
  challenge: string,
  purpose: ChallengePurpose,
  userId: string | null,
): Promise<void> {
  const store = passkeyStore(ctx.services);
  if (userId !== null) await store.dropChallenges(userId, purpose);
  await store.addChallenge(hashToken(challenge), purpose, userId, new Date(ctx.services.now() + CHALLENGE_TTL_MS));
}

/** The challenge a response answers, as the browser wrote it in clientDataJSON; undefined when unreadable. */
export async function answeredChallenge(clientDataJSON: string): Promise<string | undefined> {
  const { helpers } = await webauthn();
  try {
    const { challenge } = helpers.decodeClientDataJSON(clientDataJSON);
    return typeof challenge === "string" && challenge.length > 0 && challenge.length <= 128 ? challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Uses up the challenge a response answers (single use, atomic, unexpired,
 * of this purpose): the challenge and the user it was handed to, or
 * undefined. Taken before the response is checked, so a response is checked
 * at most once whatever it holds.
 */
export async function takeChallenge(
  ctx: Context,
  clientDataJSON: string,
  purpose: ChallengePurpose,
): Promise<{ challenge: string; userId: string | null } | undefined> {
  const challenge = await answeredChallenge(clientDataJSON);
  if (!challenge) return undefined;
  const taken = await passkeyStore(ctx.services).takeChallenge(hashToken(challenge), purpose);
  return taken && { challenge, userId: taken.userId };
}
