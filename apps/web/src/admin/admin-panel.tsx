/**
 * The "Administration" section, for administrators only: admin.access (any
 * signed-in user may ask it, no step-up) decides whether it shows at all;
 * for anyone else, or when the server cannot say, nothing is rendered. A
 * search lists users; choosing one opens it below (user-panel.tsx). Every
 * admin.users.* call goes through the step-up prompt, shown in place of the
 * section's contents (kept mounted under it, so the search and the open user
 * survive), and the search or action then carries on.
 */
import { useQuery } from "@tanstack/react-query";
import { useStepUp, useTollgateUI } from "@tollgate/react-ui";
import { type ReactNode, useId, useRef, useState } from "react";
import { t } from "../i18n.js";
import { useErrorText } from "./error-text.js";
import type { OpenedUser } from "./types.js";
import { useAdminCall } from "./use-admin-call.js";
import { useUserSearch } from "./use-user-search.js";
import { UserList } from "./user-list.js";
import { UserPanel } from "./user-panel.js";

/** Dropped with every other cached query when the session ends (@tollgate/react): the next user asks again. */
const ACCESS_KEY = ["account-page", "admin", "access"] as const;

export function AdminPanel(): ReactNode {
  const { api } = useTollgateUI();
  const access = useQuery({ queryKey: ACCESS_KEY, queryFn: () => api.admin.access.query(), retry: false });
  if (access.data?.admin !== true) return null;
  return <AdminSection />;
}

function AdminSection() {
  const ui = useTollgateUI();
  const { prove, prompt } = useStepUp();
  const call = useAdminCall(prove);
  const errorText = useErrorText();
  const search = useUserSearch(call);
  const headingId = useId();
  const queryId = useId();
  const queryField = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [searching, setSearching] = useState(false);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const [opened, setOpened] = useState<OpenedUser>();
  // Each opening (and closing) gets a number: only the newest one's answer shows.
  const openings = useRef(0);

  const fail = (failure: unknown) => setError(errorText(failure));

  /** Shows the user `id`, fresh from the server; `focus` names the action whose button takes focus back. */
  async function open(id: string, focus?: string): Promise<void> {
    const asked = ++openings.current;
    const detail = await call((api) => api.admin.users.get.query({ id }));
    const activity = detail.user ? await call((api) => api.admin.users.activity.query({ id })) : undefined;
    if (asked !== openings.current) return;
    if (!detail.user || !activity) {
      setOpened(undefined);
      return;
    }
    const { user, secondFactors, sessions } = detail;
    setOpened({ user, secondFactors, sessions, activity, focus, version: asked });
  }

  function close(): void {
    openings.current += 1;
    setOpened(undefined);
  }

  /**
   * After an action: the list (it shows status and role too) and the user are
   * fetched again, then the status line says what was done, so what it
   * announces is already on screen.
   */
  async function settle(said: string, refetch: readonly Promise<unknown>[]): Promise<void> {
    setError(undefined);
    const outcomes = await Promise.allSettled(refetch);
    setStatus(said);
    for (const outcome of outcomes) if (outcome.status === "rejected") fail(outcome.reason);
  }

  const run = (work: () => Promise<void>) => {
    setSearching(true);
    work()
      .catch(fail)
      .finally(() => setSearching(false));
  };

  return (
    <section
      className={`tg-root tg-admin${ui.unstyled ? "" : " tg-themed"}`}
      dir={ui.i18n.dir}
      lang={ui.i18n.locale}
      style={ui.style}
      aria-labelledby={headingId}
    >
      <h2 id={headingId}>{t("admin.heading")}</h2>
      {prompt}
      <div className="tg-sections" hidden={prompt !== null}>
        <p className="tg-intro">{t("admin.intro")}</p>
        <search>
          <form
            className="tg-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (searching) return;
              setError(undefined);
              setStatus(undefined);
              run(() => search.find(query.trim()));
            }}
          >
            <div className="tg-field">
              <label htmlFor={queryId}>{t("admin.query")}</label>
              <input
                id={queryId}
                ref={queryField}
                type="search"
                maxLength={100}
                autoComplete="off"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
              />
            </div>
            <div className="tg-actions">
              <button type="submit" className="tg-button tg-primary" aria-disabled={searching}>
                {t("admin.search")}
              </button>
            </div>
          </form>
        </search>
        <p className="tg-notice" role="status">
          {status}
        </p>
        <p className="tg-error" role="alert">
          {error}
        </p>
        {search.results && (
          <UserList
            results={search.results}
            busy={searching}
            onOpen={(id) => {
              setError(undefined);
              open(id).catch(fail);
            }}
            onMore={() => run(() => search.more())}
          />
        )}
        {opened && (
          <UserPanel
            key={opened.version}
            opened={opened}
            call={call}
            onDone={(said, action) => settle(said, [search.refresh(), open(opened.user.id, action)])}
            onDeleted={(said) => {
              close();
              void settle(said, [search.refresh()]);
              // The user is gone and the list is being fetched again: the search field is the one place that stays.
              queryField.current?.focus();
            }}
            onFail={fail}
            onClose={() => {
              close();
              queryField.current?.focus();
            }}
          />
        )}
      </div>
    </section>
  );
}
