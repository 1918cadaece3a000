import { AuthError } from "@tollgate/auth";
import { z } from "zod";
import { requireActiveUser } from "../../core/active-user.js";
import { audit } from "../../core/audit.js";
import { password } from "../../core/inputs.js";
import { confirmSensitiveAction } from "../../core/sensitive-action.js";
import { requireRecentProof } from "../../core/step-up.js";
import { hasUsablePassword } from "../../core/usable-password.js";
import {
  authedProcedure,
  protectedCredentialMutation,
  protectedMutation,
  publicProcedure,
  router,
} from "../../trpc.js";
import { beginFlow, providerOf } from "./flow.js";
import { instanceOf } from "./instance.js";

/** The configured providers, for the account page's "Sign in with …" buttons: public facts only. */
const providers = publicProcedure.query(({ ctx }) =>
  ctx.services.config.oidcProviders.map(({ name, label }) => ({ name, label })),
);

/** The caller's linked identities. */
const list = authedProcedure.query(async ({ ctx }) => {
  const labels = new Map(ctx.services.config.oidcProviders.map(({ name, label }) => [name, label]));
  const identities = await instanceOf(ctx.services).store.listFor(ctx.session.userId);
  return identities.map((identity) => ({
    id: identity.id,
    provider: identity.provider,
    label: labels.get(identity.provider) ?? identity.provider,
    email: identity.email,
    createdAt: identity.createdAt.getTime(),
  }));
});

/**
 * Starts linking another identity to the signed-in account: a sensitive
 * action (a recent sign-in or step-up, else STEP_UP_REQUIRED), since a
 * linked identity signs in to the account. Returns the provider's URL; the
 * page sends the browser there, and the callback links the identity if this
 * session is still live.
 */
const linkStart = protectedMutation
  .input(z.object({ provider: z.string().min(1).max(32) }).strict())
  .mutation(async ({ ctx, input }) => {
    const provider = providerOf(ctx, input.provider);
    await requireRecentProof(ctx, ctx.session);
    const url = await beginFlow(ctx, provider, { userId: ctx.session.userId, sessionId: ctx.session.sessionId });
    return { url: url.href };
  });

/**
 * Unlinks one of the caller's identities: a sensitive action (the password
 * or a recent proof). Refused (IDENTITY_LAST_SIGN_IN) when it is the last way
 * to sign in: no usable password and no other identity.
 */
const unlink = protectedCredentialMutation
  .input(z.object({ id: z.string().min(1).max(64), password: password.optional() }).strict())
  .mutation(async ({ ctx, input, signal }) => {
    const user = await requireActiveUser(ctx.services.users, ctx.session.userId);
    const { store } = instanceOf(ctx.services);
    const identities = await store.listFor(user.id);
    const identity = identities.find((candidate) => candidate.id === input.id);
    if (!identity) throw new AuthError("IDENTITY_NOT_FOUND", "No linked identity of yours has that id");
    if (!hasUsablePassword(user) && identities.length === 1) {
      throw new AuthError(
        "IDENTITY_LAST_SIGN_IN",
        "This is the only way to sign in to the account: set a password (Forgot password?) or link another first",
      );
    }
    await confirmSensitiveAction(ctx, ctx.session, user, input.password, { signal });
    if (!(await store.unlink(user.id, identity.id))) {
      throw new AuthError("IDENTITY_NOT_FOUND", "No linked identity of yours has that id");
    }
    await audit(ctx, { event: "credential_removed", userId: user.id, detail: `oidc:${identity.provider}` });
    return { ok: true as const };
  });

export const identitiesRouter = router({ providers, list, linkStart, unlink });
