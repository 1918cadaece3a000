/** DOM lookups and rendering for the demo page; no API calls here. */

export interface SessionItem {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  userAgent: string | null;
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
  editProfile: element<HTMLButtonElement>("edit-profile"),
  forgotPassword: element<HTMLButtonElement>("forgot-password"),
  emailCodeSignIn: element<HTMLButtonElement>("email-code-sign-in"),
  createAccount: element<HTMLButtonElement>("create-account"),
  accountFlow: element<HTMLElement>("account-flow"),
  profileLoaded: element<HTMLTimeElement>("profile-loaded"),
  reload: element<HTMLButtonElement>("reload"),
  signOut: element<HTMLButtonElement>("sign-out"),
  signOutEverywhere: element<HTMLButtonElement>("sign-out-everywhere"),
  sessions: element<HTMLUListElement>("sessions"),
  security: element<HTMLElement>("security"),
  passkeys: element<HTMLElement>("passkeys"),
  identities: element<HTMLElement>("identities"),
  providers: element<HTMLElement>("providers"),
  notice: element<HTMLParagraphElement>("notice"),
};

export function showNotice(text: string | undefined): void {
  view.notice.hidden = !text;
  view.notice.textContent = text ?? "";
}

export function showSignedOut(): void {
  view.profile.hidden = true;
  view.form.hidden = false;
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  view.sessions.replaceChildren();
}

export function showProfile(user: {
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  emailVerified: boolean;
  /** An address asked for and not confirmed yet (user.me; a sign-in's answer leaves it out). */
  pendingEmail?: string | null;
}): void {
  view.form.hidden = true;
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  const current = user.email ? `${user.email} (${user.emailVerified ? "confirmed" : "not confirmed yet"})` : undefined;
  const pending = user.pendingEmail ? `${user.pendingEmail} (not confirmed yet)` : undefined;
  view.profileEmail.textContent =
    current && pending ? `${current}; new: ${pending}` : (current ?? pending ?? "(not set)");
  view.profile.hidden = false;
  view.signInError.hidden = true;
  view.profileUsername.textContent = user.username;
  view.profileName.textContent = `${user.firstName} ${user.lastName}`.trim() || "(not set)";
  const now = new Date();
  view.profileLoaded.dateTime = now.toISOString();
  view.profileLoaded.textContent = now.toLocaleTimeString();
}

const REASONS: Record<string, string> = {
  logout: "signed out",
  logout_all: "signed out everywhere",
  revoked_by_user: "ended by you",
  password_changed: "ended by a password change",
  refresh_token_reused: "ended: its refresh token was replayed (possible theft)",
  admin: "ended by an administrator",
};

export function renderSessions(items: SessionItem[], onEnd: (id: string) => void): void {
  view.sessions.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      li.dataset.sessionId = item.id;
      const device = item.userAgent ?? "unknown device";
      const info = document.createElement("div");
      const title = document.createElement("div");
      title.textContent = `${item.current ? "This device — " : ""}${device}`;
      const meta = document.createElement("div");
      meta.className = "meta";
      const status = item.revokedAt
        ? (REASONS[item.revokedReason ?? ""] ?? "ended")
        : `last used ${new Date(item.lastUsedAt).toLocaleString()}`;
      meta.textContent = `${item.ip ?? "?"} · since ${new Date(item.createdAt).toLocaleString()} · ${status}`;
      info.append(title, meta);
      li.append(info);
      if (item.revokedAt) {
        li.className = "ended";
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = "Sign out";
        // A distinct accessible name: the page's own "Sign out" stays unique.
        button.setAttribute("aria-label", `Sign out session on ${device}${item.current ? " (this device)" : ""}`);
        button.addEventListener("click", () => onEnd(item.id));
        li.append(button);
      }
      return li;
    }),
  );
}
