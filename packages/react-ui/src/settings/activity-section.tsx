import { useInfiniteQuery } from "@tanstack/react-query";
import { useTollgateUI } from "../context.js";
import type { MessageKey } from "../i18n/catalogue.js";
import { en } from "../i18n/en.js";
import { UI_KEY } from "../session.js";
import { Button, useT } from "../ui.js";
import { deviceLabel } from "./device-label.js";
import { Section } from "./section.js";

/** auth.activity: the account's security events, newest first, 20 at a time. */
export function ActivitySection() {
  const { api, i18n } = useTollgateUI();
  const t = useT();
  const pages = useInfiniteQuery({
    queryKey: [UI_KEY, "activity"],
    queryFn: ({ pageParam }) => api.auth.activity.query(pageParam ? { cursor: pageParam } : undefined),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = pages.data?.pages.flatMap((page) => page.events) ?? [];
  return (
    <Section name="activity" title={t("activity.title")}>
      {pages.isSuccess && events.length === 0 && <p className="tg-intro">{t("activity.none")}</p>}
      <ul className="tg-list" aria-label={t("activity.title")}>
        {events.map((event) => (
          <li key={event.id} className="tg-item">
            <div className="tg-item-text">
              <div className="tg-item-title">
                {t(`activity.events.${event.event in en.activity.events ? event.event : "other"}` as MessageKey)}
              </div>
              <div className="tg-meta">
                {/* The instant itself in datetime (machine-readable, the same in every language), the words for people. */}
                <time dateTime={new Date(event.at).toISOString()}>{i18n.dateTime(event.at)}</time>
                {[deviceLabel(t, event), event.ip]
                  .filter(Boolean)
                  .map((part) => ` · ${part}`)
                  .join("")}
              </div>
            </div>
          </li>
        ))}
      </ul>
      {pages.hasNextPage && (
        <div className="tg-actions">
          <Button onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
            {t("activity.more")}
          </Button>
        </div>
      )}
    </Section>
  );
}
