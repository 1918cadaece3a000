import { TRPCError } from "@trpc/server";
import { publicProcedure } from "../trpc.js";
import { audit } from "./audit.js";
import { loginInput } from "./inputs.js";
import { issueSessionCookies } from "./session-issuer.js";
import { enforceSignInLimit } from "./sign-in-limit.js";

const INVALID = "Invalid username or password";

export const login = publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
  const { users, auth, loginLimiter } = ctx.services;
  const { ip, userAgent } = ctx.request;
  await enforceSignInLimit(
    ctx,
    input.username,
    (wait) => `Too many failed sign-ins; try again in ${wait} s`,
    () => audit(ctx, { event: "login_rate_limited", username: input.username }),
  );

  const user = await users.findByUsername(input.username);
  let valid = false;
  if (user?.isActive) {
    const result = await auth.passwords.verify(input.password, user.passwordHash);
    valid = result.valid;
    if (valid && result.needsRehash) {
      // Imported (Django) or weaker hashes become argon2id at the first good sign-in.
      const rehashed = await auth.passwords.hash(input.password);
      if (await users.replacePasswordHash(user.id, user.passwordHash, rehashed)) {
        await audit(ctx, { event: "password_rehashed", userId: user.id });
      }
    }
  } else {
    // Unknown or inactive user: spend the same hashing time, give the same answer.
    await auth.passwords.verifyDummy(input.password);
  }

  if (!user || !valid) {
    await loginLimiter.recordFailure(input.username, ip);
    await audit(ctx, { event: "login_failed", userId: user?.id, username: input.username });
    throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID });
  }

  await loginLimiter.recordSuccess(input.username, ip);
  const { session, refreshToken } = await auth.sessions.create(user.id, { userAgent, ip });
  await audit(ctx, { event: "login_succeeded", userId: user.id, sessionId: session.id });
  return issueSessionCookies(ctx, user, session, refreshToken, auth.csrf.issue(session.id));
});
