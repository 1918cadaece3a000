/** The search's results: each user's name opens it; "Show more" while the server has more pages. */
import { t } from "../i18n.js";
import { AdminButton } from "./button.js";
import type { SearchResults } from "./use-user-search.js";
import { summaryLine } from "./words.js";

export interface UserListProps {
  readonly results: SearchResults;
  readonly onOpen: (id: string) => void;
  readonly onMore: () => void;
  readonly busy: boolean;
}

export function UserList(props: UserListProps) {
  const { users, cursor } = props.results;
  return (
    <>
      <ul className="tg-list" aria-label={t("admin.results")}>
        {users.length === 0 ? (
          <li className="tg-item">{t("admin.none")}</li>
        ) : (
          users.map((user) => (
            <li key={user.id} className="tg-item" data-user-id={user.id}>
              <div className="tg-item-text">
                <AdminButton onClick={() => props.onOpen(user.id)}>{user.username}</AdminButton>
                <div className="tg-meta">{summaryLine(user)}</div>
              </div>
            </li>
          ))
        )}
      </ul>
      {cursor !== null && (
        <div className="tg-actions">
          <AdminButton onClick={props.onMore} busy={props.busy}>
            {t("admin.more")}
          </AdminButton>
        </div>
      )}
    </>
  );
}
