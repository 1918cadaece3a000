import { MAX_PASSWORD_LENGTH } from "@tollgate/auth";
import { z } from "zod";

export const username = z.string().min(1).max(150);
export const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

export const loginInput = z.object({ username, password }).strict();
export const revokeSessionInput = z.object({ id: z.string().min(1).max(64) }).strict();
export const personName = z.string().max(150);
export const email = z.email().max(254);

export const updateProfileInput = z
  .object({
    firstName: personName.optional(),
    lastName: personName.optional(),
    email: email.nullable().optional(),
    /** When `email` changes: the current password, unless the session stepped up recently (a stolen session must not move the address, then reset the password). */
    currentPassword: password.optional(),
  })
  .strict();
/** A mailed link's token (256 bits, base64url); the store checks its exact shape. */
export const linkToken = z.string().min(1).max(128);
export const requestPasswordResetInput = z.object({ email }).strict();
export const resetPasswordInput = z.object({ token: linkToken, newPassword: password }).strict();
export const signUpInput = z
  .object({ username, email, password, firstName: personName.optional(), lastName: personName.optional() })
  .strict();
export const setupInput = z
  .object({
    token: linkToken,
    username,
    email: email.optional(),
    password,
    firstName: personName.optional(),
    lastName: personName.optional(),
  })
  .strict();
export const verifyEmailInput = z.object({ token: linkToken }).strict();
/** A mailed link that carries only its token (auth.mfa.unlock). */
export const accountTokenInput = z.object({ token: linkToken }).strict();
export const changePasswordInput = z.object({ currentPassword: password, newPassword: password }).strict();
