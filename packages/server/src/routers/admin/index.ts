import { router } from "../../trpc.js";
import { access } from "./access.js";
import {
  clearLockout,
  deleteUser,
  endSessions,
  resendVerification,
  resetSecondFactors,
  setActive,
  setAdmin,
} from "./actions.js";
import { activity, get, list } from "./users.js";

/**
 * admin.*: what operators do for users, each call by a signed-in
 * administrator with a recent proof of identity (admin-procedure.ts), each
 * mutation recorded in the target's activity and emitted as `admin.action`.
 * `admin.access` alone asks for no role: it tells any signed-in user whether they have it.
 */
export const adminRouter = router({
  access,
  users: router({
    list,
    get,
    activity,
    setActive,
    setAdmin,
    endSessions,
    resetSecondFactors,
    clearLockout,
    resendVerification,
    delete: deleteUser,
  }),
});
