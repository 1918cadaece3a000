/**
 * One user in the Administration section: the account (admin.users.get: its
 * second factors, its live sessions with their devices), its activity
 * (admin.users.activity, in the words "Recent activity" uses for the user's
 * own) and what an administrator can do to it. Every call goes through
 * withStepUp: past STEP_UP_MAX_AGE the page asks "Confirm it is you" and
 * then carries on. Delete asks once more, in the page.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import { activityItem } from "./activity.js";
import { button, el } from "./dom.js";
import { formatDate, formatList, formatNumber } from "./format.js";
import { type MessageKey, t } from "./i18n.js";

type AdminUsers = TollgateClient["admin"]["users"];
type UserDetail = Awaited<ReturnType<AdminUsers["get"]["query"]>>;
type Account = NonNullable<UserDetail["user"]>;
type ActivityPage = Awaited<ReturnType<AdminUsers["activity"]["query"]>>;

/** The second factors as auth.login names them; a newer server's factor shows by its name. */
const FACTOR_WORDS: Readonly<Record<string, MessageKey>> = {
  totp: "admin.factor.totp",
  recovery_code: "admin.factor.recovery_code",
  passkey: "admin.factor.passkey",
};

export interface UserPanelEvents {
  /** A call failed: the section's alert words it. */
  fail(error: unknown): void;
  /** An action went through: the section's status line says so and the results are refreshed. */
  done(text: string): void;
  /** The user is gone (deleted): the panel is empty again. */
  gone(): void;
}

function describe(user: Account): string {
  const address = user.email
    ? t(user.emailVerified ? "profile.confirmed" : "profile.unconfirmed", { email: user.email })
    : t("admin.noAddress");
  const parts = [address, t(user.isActive ? "admin.active" : "admin.disabled")];
  if (user.isAdmin) parts.push(t("admin.administrator"));
  parts.push(t("admin.created", { date: formatDate(user.createdAt) }));
  return parts.join(" · ");
}

function factorsLine(names: readonly string[]): string {
  if (names.length === 0) return t("admin.noFactors");
  const words = names.map((name) => {
    const key = FACTOR_WORDS[name];
    return key ? t(key) : name;
  });
  return t("admin.factors", { list: formatList(words) });
}

function sessionItem(session: UserDetail["sessions"][number]): HTMLLIElement {
  const li = el("li");
  li.dataset.sessionId = session.id;
  const meta = el(
    "div",
    [
      session.ip ?? t("sessions.unknownNetwork"),
      t("sessions.since", { date: formatDate(session.createdAt) }),
      t("sessions.lastUsed", { date: formatDate(session.lastUsedAt) }),
    ].join(" · "),
  );
  meta.className = "meta";
  li.append(el("div", session.device ?? t("sessions.unknownDevice")), meta);
  return li;
}

export function createUserPanel(api: TollgateClient, prove: ProveIdentity, events: UserPanelEvents) {
  const panel = el("section");
  panel.id = "admin-user";
  panel.hidden = true;
  let shownId: string | undefined;

  const call = <T>(action: () => Promise<T>): Promise<T> => withStepUp(api, action, prove);

  function activityList(page: ActivityPage, id: string): HTMLElement[] {
    const heading = el("h4", t("admin.activity"));
    heading.id = "admin-user-activity";
    const list = el("ol");
    list.className = "admin-activity";
    list.setAttribute("aria-labelledby", heading.id);
    const fill = (items: ActivityPage["events"]) => {
      if (items.length === 0 && list.childElementCount === 0) list.append(el("li", t("activity.empty")));
      list.append(...items.map(activityItem));
    };
    fill(page.events);
    let cursor = page.nextCursor;
    const more = button(t("activity.more"), () => {
      if (cursor === null) return;
      call(() => api.admin.users.activity.query({ id, cursor: cursor ?? undefined })).then((next) => {
        fill(next.events);
        cursor = next.nextCursor;
        more.hidden = cursor === null;
      }, events.fail);
    });
    more.hidden = cursor === null;
    return [heading, list, more];
  }

  /** The actions on `user`; each reopens the panel after, focus back on the same action's button. */
  function actions(user: Account): HTMLElement {
    const group = el("div");
    group.className = "actions";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("admin.actionsFor", { username: user.username }));
    const name = { username: user.username };
    const act = (key: string, text: string, run: () => Promise<string>): HTMLButtonElement => {
      const b = button(text, () => {
        run().then((said) => {
          events.done(said);
          return open(user.id, key);
        }, events.fail);
      });
      b.dataset.action = key;
      return b;
    };
    const id = user.id;
    group.append(
      user.isActive
        ? act("active", t("admin.disable"), async () => {
            const { sessionsEnded } = await call(() => api.admin.users.setActive.mutate({ id, active: false }));
            return t("admin.done.disabled", { ...name, count: formatNumber(sessionsEnded) });
          })
        : act("active", t("admin.enable"), async () => {
            await call(() => api.admin.users.setActive.mutate({ id, active: true }));
            return t("admin.done.enabled", name);
          }),
      act("sessions", t("admin.endSessions"), async () => {
        const { sessionsEnded } = await call(() => api.admin.users.endSessions.mutate({ id }));
        return t("admin.done.sessionsEnded", { ...name, count: formatNumber(sessionsEnded) });
      }),
      act("factors", t("admin.resetFactors"), async () => {
        const { sessionsEnded } = await call(() => api.admin.users.resetSecondFactors.mutate({ id }));
        return t("admin.done.factorsReset", { ...name, count: formatNumber(sessionsEnded) });
      }),
    );
    // Only an address waiting for its link has anything to resend.
    if (user.email && !user.emailVerified) {
      group.append(
        act("verification", t("admin.resendVerification"), async () => {
          const { sent } = await call(() => api.admin.users.resendVerification.mutate({ id }));
          return t(sent ? "admin.done.verificationSent" : "admin.done.verificationNotSent", name);
        }),
      );
    }
    group.append(
      act("role", t(user.isAdmin ? "admin.removeAdmin" : "admin.makeAdmin"), async () => {
        const { admin } = await call(() => api.admin.users.setAdmin.mutate({ id, admin: !user.isAdmin }));
        return t(admin ? "admin.done.adminGranted" : "admin.done.adminRevoked", name);
      }),
      button(t("admin.delete"), () => confirmDelete(group, user)),
    );
    return group;
  }

  /** Deleting cannot be undone: the buttons give way to a question and its two answers. */
  function confirmDelete(group: HTMLElement, user: Account): void {
    const question = el("p", t("admin.confirmDelete", { username: user.username }));
    question.id = "admin-delete-question";
    const box = el("div");
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", question.id);
    const answers = el("div");
    answers.className = "actions";
    const cancel = button(t("admin.cancel"), () => {
      box.replaceWith(group);
      group.querySelector<HTMLButtonElement>("button:last-child")?.focus();
    });
    const confirm = button(
      t("admin.confirmDeleteSubmit"),
      () => {
        call(() => api.admin.users.delete.mutate({ id: user.id })).then(() => {
          close();
          events.done(t("admin.done.deleted", { username: user.username }));
          events.gone();
        }, events.fail);
      },
      false,
    );
    confirm.classList.add("danger");
    answers.append(confirm, cancel);
    box.append(question, answers);
    group.replaceWith(box);
    cancel.focus();
  }

  function close(): void {
    shownId = undefined;
    panel.hidden = true;
    panel.replaceChildren();
  }

  /** Shows the user `id` (fresh from the server); `focusAction` returns focus to that action's button. */
  async function open(id: string, focusAction?: string): Promise<void> {
    const detail = await call(() => api.admin.users.get.query({ id }));
    const user = detail.user;
    if (!user) {
      close();
      return;
    }
    const page = await call(() => api.admin.users.activity.query({ id }));
    shownId = id;
    const heading = el("h3", t("admin.user", { username: user.username }));
    heading.id = "admin-user-heading";
    heading.tabIndex = -1;
    panel.setAttribute("aria-labelledby", heading.id);
    const about = el("p", describe(user));
    about.className = "meta";
    const sessionsHeading = el("h4", t("admin.sessions"));
    sessionsHeading.id = "admin-user-sessions";
    const sessions = el("ul");
    sessions.className = "admin-sessions";
    sessions.setAttribute("aria-labelledby", sessionsHeading.id);
    if (detail.sessions.length === 0) sessions.append(el("li", t("admin.noSessions")));
    else sessions.append(...detail.sessions.map(sessionItem));
    const group = actions(user);
    panel.replaceChildren(
      heading,
      about,
      el("p", factorsLine(detail.secondFactors)),
      group,
      sessionsHeading,
      sessions,
      ...activityList(page, id),
      button(t("admin.close"), close),
    );
    panel.hidden = false;
    const back = focusAction && group.querySelector<HTMLButtonElement>(`[data-action="${focusAction}"]`);
    if (back) back.focus();
    else heading.focus();
  }

  return { panel, open, close, shown: () => shownId };
}
