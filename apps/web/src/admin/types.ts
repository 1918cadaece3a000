/** The shapes of admin.users.* answers, as the typed client gives them. */
import type { TollgateClient } from "@tollgate/client-sdk";

type AdminUsers = TollgateClient["admin"]["users"];

export type UserPage = Awaited<ReturnType<AdminUsers["list"]["query"]>>;
export type UserSummary = UserPage["users"][number];
export type UserDetail = Awaited<ReturnType<AdminUsers["get"]["query"]>>;
export type Account = NonNullable<UserDetail["user"]>;
export type AccountSession = UserDetail["sessions"][number];
export type ActivityPage = Awaited<ReturnType<AdminUsers["activity"]["query"]>>;
export type ActivityEvent = ActivityPage["events"][number];

/** One user as the panel shows it: the account, its second factors and live sessions, its first page of activity. */
export interface OpenedUser {
  readonly user: Account;
  readonly secondFactors: UserDetail["secondFactors"];
  readonly sessions: UserDetail["sessions"];
  readonly activity: ActivityPage;
  /** Where focus goes once shown: the heading (just opened), or the action just done (its data-action). */
  readonly focus: string | undefined;
  /** A new number for each opening, so the panel starts afresh (its own state, its focus). */
  readonly version: number;
}
