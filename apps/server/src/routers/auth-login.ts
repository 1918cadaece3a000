import { TRPCError } from "@trpc/server";
import type { Context } from "../context.js";
import { publicProcedure } from "../trpc.js";
import { audit } from "./audit.js";
import { loginInput } from "./inputs.js";
import { issueSessionCookies } from "./session-issuer.js";

const INVALID = "Invalid username or password";

async function rateLimited(ctx: Context, username: string): Promise<void> {
  const { loginLimiter } = ctx.services;
  const wait = await loginLimiter.retryAfter(username, ctx.request.ip);
  if (wait === undefined) return;
  ctx.setHeader("Retry-After", String(wait));
  await audit(ctx, { event: "login_rate_limited", username });
  throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `Too many failed sign-ins; try again in ${wait} s` });
}

export const login = publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
  const { users, auth, loginLimiter } = ctx.services;
  const { ip, userAgent } = ctx.request;
  await rateLimited(ctx, input.username);

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
