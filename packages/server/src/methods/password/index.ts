import type { SignInMethod } from "../method.js";
import { changePassword } from "./change-password.js";
import { login } from "./login.js";
import { requestPasswordReset, resetPassword } from "./reset.js";
import { setup } from "./setup.js";
import { signUp } from "./sign-up.js";

/** The password's procedures, at the top of `auth` where the first version put them. */
const passwordAuthRoutes = {
  login,
  changePassword,
  requestPasswordReset,
  resetPassword,
  signUp,
  setup,
};

export type PasswordMethod = SignInMethod<"password", typeof passwordAuthRoutes>;

/**
 * Username and password: sign-in (auth.login), sign-up (SIGNUP=open), the
 * first-run setup link, change and reset. Its tables are the core's (users
 * hold the password hash), since every account has a password today.
 */
export function password(): PasswordMethod {
  return { id: "password", auth: passwordAuthRoutes };
}
