/** DOM lookups and rendering for the account page; no API calls here. */
import { formatDate } from "./format.js";
import { type MessageKey, t } from "./i18n.js";

export interface SessionItem {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  userAgent: string | null;
  /** The user agent in words ("Firefox 140 on Linux"); null when nothing is known. */
  device?: string | null;
  ip: string | null;
  current: boolean;
  revokedAt: number | null;
  revokedReason: string | null;
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the page`);
  return found as T;
}

export const view = {
  form: element<HTMLFormElement>("sign-in"),
  username: element<HTMLInputElement>("username"),
  password: element<HTMLInputElement>("password"),
  signInError: element<HTMLParagraphElement>("sign-in-error"),
  secondFactor: element<HTMLFormElement>("second-factor"),
  secondFactorCode: element<HTMLInputElement>("second-factor-code"),
  secondFactorError: element<HTMLParagraphElement>("second-factor-error"),
  secondFactorTotp: element<HTMLDivElement>("second-factor-totp"),
  secondFactorPasskey: element<HTMLButtonElement>("second-factor-passkey"),
  passkeySignIn: element<HTMLButtonElement>("passkey-sign-in"),
  profile: element<HTMLElement>("profile"),
  profileUsername: element<HTMLSpanElement>("profile-username"),
  profileName: element<HTMLSpanElement>("profile-name"),
  profileEmail: element<HTMLSpanElement>("profile-email"),
  profileError: element<HTMLParagraphElement>("profile-error"),
  editProfile: element<HTMLButtonElement>("edit-profile"),
  changePassword: element<HTMLButtonElement>("change-password"),
  resendVerification: element<HTMLButtonElement>("resend-verification"),
  forgotPassword: element<HTMLButtonElement>("forgot-password"),
  emailCodeSignIn: element<HTMLButtonElement>("email-code-sign-in"),
  createAccount: element<HTMLButtonElement>("create-account"),
  accountFlow: element<HTMLElement>("account-flow"),
  signOut: element<HTMLButtonElement>("sign-out"),
  signOutEverywhere: element<HTMLButtonElement>("sign-out-everywhere"),
  sessions: element<HTMLUListElement>("sessions"),
  security: element<HTMLElement>("security"),
  passkeys: element<HTMLElement>("passkeys"),
  identities: element<HTMLElement>("identities"),
  providers: element<HTMLElement>("providers"),
  activityList: element<HTMLOListElement>("activity-list"),
  activityMore: element<HTMLButtonElement>("activity-more"),
  admin: element<HTMLElement>("admin"),
  notice: element<HTMLParagraphElement>("notice"),
};

export function showNotice(text: string | undefined): void {
  view.notice.hidden = !text;
  view.notice.textContent = text ?? "";
}

/** An error under the sign-in form; a notice left from before (e.g. "You signed out.") would contradict it. */
export function showSignInError(text: string): void {
  showNotice(undefined);
  view.signInError.hidden = false;
  view.signInError.textContent = text;
}

export function showSignedOut(): void {
  view.profile.hidden = true;
  view.form.hidden = false;
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  view.sessions.replaceChildren();
  view.activityList.replaceChildren();
  // Nothing of the administrator's view stays on the page for whoever signs in next.
  view.admin.hidden = true;
  view.admin.replaceChildren();
}

export interface ProfileUser {
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  emailVerified: boolean;
  /** An address asked for and not confirmed yet (user.me; a sign-in's answer leaves it out). */
  pendingEmail?: string | null;
}

export function showProfile(user: ProfileUser): void {
  view.form.hidden = true;
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  const current = user.email
    ? t(user.emailVerified ? "profile.confirmed" : "profile.unconfirmed", { email: user.email })
    : undefined;
  const pending = user.pendingEmail ? t("profile.unconfirmed", { email: user.pendingEmail }) : undefined;
  view.profileEmail.textContent =
    current && pending ? t("profile.withPending", { current, pending }) : (current ?? pending ?? t("profile.notSet"));
  // A mail to resend: a new address waiting, or the current one not confirmed.
  view.resendVerification.hidden = !(user.pendingEmail || (user.email && !user.emailVerified));
  view.profile.hidden = false;
  view.signInError.hidden = true;
  view.profileError.hidden = true;
  view.profileUsername.textContent = user.username;
  view.profileName.textContent = `${user.firstName} ${user.lastName}`.trim() || t("profile.notSet");
}

/** A failed action of the signed-in page, announced under its buttons. */
export function showProfileError(text: string): void {
  view.profileError.hidden = false;
  view.profileError.textContent = text;
}

const REASONS: Record<string, MessageKey> = {
  logout: "sessions.reason.logout",
  logout_all: "sessions.reason.logout_all",
  revoked_by_user: "sessions.reason.revoked_by_user",
  password_changed: "sessions.reason.password_changed",
  refresh_token_reused: "sessions.reason.refresh_token_reused",
  admin: "sessions.reason.admin",
};

function sessionStatus(item: SessionItem): string {
  if (item.revokedAt) return t(REASONS[item.revokedReason ?? ""] ?? "sessions.ended");
  return t("sessions.lastUsed", { date: formatDate(item.lastUsedAt) });
}

export function renderSessions(items: SessionItem[], onEnd: (id: string) => void): void {
  view.sessions.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      li.dataset.sessionId = item.id;
      const device = item.device ?? t("sessions.unknownDevice");
      const info = document.createElement("div");
      info.className = "info";
      const title = document.createElement("div");
      title.className = "device";
      title.textContent = item.current ? t("sessions.thisDevice", { device }) : device;
      const meta = document.createElement("div");
      meta.className = "meta";
      const since = t("sessions.since", { date: formatDate(item.createdAt) });
      meta.textContent = [item.ip ?? t("sessions.unknownNetwork"), since, sessionStatus(item)].join(" · ");
      info.append(title, meta);
      li.append(info);
      if (item.revokedAt) {
        li.className = "ended";
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = t("sessions.signOut");
        // A distinct accessible name: the page's own "Sign out" stays unique.
        button.setAttribute(
          "aria-label",
          t(item.current ? "sessions.signOutLabelCurrent" : "sessions.signOutLabel", { device }),
        );
        button.addEventListener("click", () => onEnd(item.id));
        li.append(button);
      }
      return li;
    }),
  );
}
