import { AuthError, checkPasswordPolicy, normalizeUsername } from "@tollgate/auth";
import { audit } from "../../core/audit.js";
import { setupInput } from "../../core/inputs.js";
import { startSession } from "../../core/session-start.js";
import { limitedCheck } from "../../core/sign-in-limit.js";
import { createSetupTokenStore } from "../../stores/setup-token-store.js";
import { credentialProcedure } from "../../trpc.js";

/** The sign-in limit's name for setup-token guesses: counted per client network only (as reset tokens). */
const SETUP_KEY = "\u0000first-run-setup";

/**
 * Creates the first account from the setup link of the start log, and signs
 * it in. Only while no user exists, whatever SIGNUP says; the token is used
 * once. An address given here is unverified until its link is followed. The
 * account is an administrator (admin.*).
 */
export const setup = credentialProcedure.input(setupInput).mutation(async ({ ctx, input }) => {
  const { users, auth, database, now } = ctx.services;
  const store = createSetupTokenStore(database.db, now);
  const invalid = () => new AuthError("LINK_INVALID", "The setup link is invalid, expired or already used");
  const live = await limitedCheck(ctx, { username: SETUP_KEY, networkOnly: true }, () => store.peek(input.token));
  if (!live || (await users.any())) throw invalid();
  // Checked before the token is used up: a refused username leaves the link working.
  const username = normalizeUsername(input.username);
  checkPasswordPolicy(input.password, { username, email: input.email });
  const passwordHash = await auth.passwords.hash(input.password);
  if (!(await store.consume(input.token))) throw invalid();
  const user = await users.create({
    username,
    email: input.email ?? null,
    passwordHash,
    firstName: input.firstName ?? "",
    lastName: input.lastName ?? "",
    // Whoever holds the start log's link runs this server: the first account administers it.
    isAdmin: true,
  });
  await audit(ctx, { event: "signed_up", userId: user.id, username: user.username, detail: "first-run setup" });
  const { signedIn } = await startSession(ctx, user);
  return signedIn;
});
