import { router } from "../trpc.js";
import { login } from "./auth-login.js";
import { refresh } from "./auth-refresh.js";
import { changePassword, logout, logoutAll, revokeSession, sessions } from "./auth-sessions.js";

export const authRouter = router({
  login,
  refresh,
  logout,
  logoutAll,
  sessions,
  revokeSession,
  changePassword,
});
