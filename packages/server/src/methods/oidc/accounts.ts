import { randomBytes } from "node:crypto";
import { AuthError, normalizeUsername } from "@tollgate/auth";
import { quotaExceeded } from "../../abuse-limits.js";
import type { Context } from "../../context.js";
import { audit } from "../../core/audit.js";
import { unusablePasswordHash } from "../../core/usable-password.js";
import { EmailTakenError, UsernameTakenError, type UserWithHash } from "../../stores/user-store.js";
import { instanceOf } from "./instance.js";
import type { ProviderIdentity } from "./provider.js";

/**
 * The account an identity signs in to:
 * 1. the account it is linked to;
 * 2. else the account whose address it gives, ONLY when the provider asserts
 *    `email_verified` and that account's address is verified too: the
 *    identity is linked to it (anything less and an address someone typed at
 *    another provider would take over the account);
 * 3. else a new account, when SIGNUP=open (the address attached only when the
 *    provider verified it and no account has it; nothing tells whether one
 *    does; with EMAIL_VERIFICATION=required, none without such an address:
 *    EMAIL_NOT_VERIFIED); SIGNUP_CLOSED otherwise.
 */
export async function accountFor(ctx: Context, provider: string, identity: ProviderIdentity): Promise<UserWithHash> {
  const { users } = ctx.services;
  const { store } = instanceOf(ctx.services);
  const linked = await store.find(provider, identity.subject);
  if (linked) return active(await users.findById(linked.userId));

  if (identity.email && identity.emailVerified) {
    const owner = await users.findByEmail(identity.email);
    if (owner?.emailVerified) {
      active(owner);
      if (await linkIdentity(ctx, owner.id, provider, identity)) return owner;
      // A callback racing this one linked it first: sign in where it went.
      return linkedAccount(ctx, provider, identity);
    }
  }
  return signUp(ctx, provider, identity);
}

async function linkedAccount(ctx: Context, provider: string, identity: ProviderIdentity): Promise<UserWithHash> {
  const linked = await instanceOf(ctx.services).store.find(provider, identity.subject);
  return active(linked && (await ctx.services.users.findById(linked.userId)));
}

function active(user: UserWithHash | undefined): UserWithHash {
  if (!user?.isActive) throw new AuthError("ACCOUNT_INACTIVE", "This account may not sign in");
  return user;
}

/** Links the identity to `userId` (audited); false when it is linked already. */
export async function linkIdentity(
  ctx: Context,
  userId: string,
  provider: string,
  identity: ProviderIdentity,
): Promise<boolean> {
  const linked = await instanceOf(ctx.services).store.link({
    userId,
    provider,
    subject: identity.subject,
    email: identity.email,
  });
  if (linked) await audit(ctx, { event: "credential_added", userId, detail: `oidc:${provider}` });
  return linked;
}

async function signUp(ctx: Context, provider: string, identity: ProviderIdentity): Promise<UserWithHash> {
  const { config, users, signUps } = ctx.services;
  if (config.signup !== "open") {
    throw new AuthError(
      "SIGNUP_CLOSED",
      "No account is linked to this identity and sign-up is closed: sign in another way and link it from the account page",
    );
  }
  const email = identity.email && identity.emailVerified ? identity.email : null;
  if (email === null && config.emailVerification === "required") {
    throw new AuthError(
      "EMAIL_NOT_VERIFIED",
      "This server needs a verified address, and the provider gave none that is free: sign up another way",
    );
  }
  const quota = await signUps.take("signup", ctx.request.ip);
  if (!quota.allowed) throw quotaExceeded(quota.retryAfter, "sign-ups from this network");
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const username = usernameFor(identity, provider, attempt);
    try {
      const created = await users.create({
        username,
        email,
        emailVerified: email !== null,
        passwordHash: unusablePasswordHash(),
        firstName: identity.givenName.slice(0, 150),
        lastName: identity.familyName.slice(0, 150),
      });
      await audit(ctx, {
        event: "signed_up",
        userId: created.id,
        username: created.username,
        detail: `oidc:${provider}`,
      });
      // A callback racing this one linked the identity first: this new account stays without it.
      if (!(await linkIdentity(ctx, created.id, provider, identity))) return linkedAccount(ctx, provider, identity);
      return active(await users.findById(created.id));
    } catch (error) {
      // The address is another account's: make the account without it (and say nothing about who has it).
      if (error instanceof EmailTakenError && email !== null) return signUpWithoutAddress(ctx, provider, identity);
      if (error instanceof UsernameTakenError || (error instanceof AuthError && error.code === "USERNAME_INVALID")) {
        continue;
      }
      throw error;
    }
  }
  throw new AuthError("ACCOUNT_EXISTS", "No free username could be found for this identity");
}

function signUpWithoutAddress(ctx: Context, provider: string, identity: ProviderIdentity) {
  return signUp(ctx, provider, { ...identity, email: null, emailVerified: false });
}

/** The provider's suggestion (preferred_username, else the address's local part), then with a random suffix. */
function usernameFor(identity: ProviderIdentity, provider: string, attempt: number): string {
  const base = identity.preferredUsername ?? identity.email?.split("@")[0] ?? provider;
  const suffix = attempt === 0 ? "" : `-${randomBytes(3).toString("hex")}`;
  try {
    return normalizeUsername(`${base.slice(0, 120)}${suffix}`);
  } catch {
    return `${provider}-${randomBytes(4).toString("hex")}`;
  }
}
