import { activity } from "./auth-activity.js";
import { requestEmailVerification, verifyEmail } from "./auth-email.js";
import { refresh } from "./auth-refresh.js";
import { logout, logoutAll, revokeSession, session, sessions } from "./auth-sessions.js";

/** The core's procedures under `auth`, whatever the methods: sessions, refresh, and the account's address. */
export const coreAuthRoutes = {
  refresh,
  logout,
  logoutAll,
  session,
  sessions,
  revokeSession,
  requestEmailVerification,
  verifyEmail,
  activity,
};
