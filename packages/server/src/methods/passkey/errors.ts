import { AuthError } from "@tollgate/auth";

export const challengeInvalid = () =>
  new AuthError("PASSKEY_CHALLENGE_INVALID", "The passkey prompt expired or was already answered: try again");
export const verificationFailed = () =>
  new AuthError("PASSKEY_VERIFICATION_FAILED", "The passkey could not be verified");
export const passkeyNotFound = () => new AuthError("PASSKEY_NOT_FOUND", "No such passkey on this account");
