import { router } from "../trpc.js";
import { login } from "./auth-login.js";
import { mfaRouter } from "./auth-mfa.js";
import { changePassword } from "./auth-password.js";
import { refresh } from "./auth-refresh.js";
import { requestPasswordReset, resetPassword } from "./auth-reset.js";
import { logout, logoutAll, revokeSession, session, sessions } from "./auth-sessions.js";
import { setup } from "./auth-setup.js";
import { requestEmailVerification, signUp, verifyEmail } from "./auth-signup.js";

export const authRouter = router({
  login,
  refresh,
  logout,
  logoutAll,
  session,
  sessions,
  revokeSession,
  changePassword,
  requestPasswordReset,
  resetPassword,
  signUp,
  requestEmailVerification,
  verifyEmail,
  setup,
  mfa: mfaRouter,
});
