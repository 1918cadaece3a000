import { useQuery, useQueryClient } from "@tanstack/react-query";
import { withStepUp } from "@tollgate/client-sdk";
import { useTollgateUI } from "../context.js";
import { UI_KEY, useProviders } from "../session.js";
import { Alert, Button, useAction, useT } from "../ui.js";
import { Section, type SectionProps } from "./section.js";

const KEY = [UI_KEY, "identities"];

/** Linked providers (unlink each) and "Link …" for every configured one; both may ask for a step-up. */
export function IdentitiesSection(props: SectionProps) {
  const { api, i18n } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const providers = useProviders(true);
  const list = useQuery({ queryKey: KEY, queryFn: () => api.auth.identities.list.query() });
  const action = useAction();
  const identities = list.data ?? [];
  return (
    <Section name="identities" title={t("identities.title")}>
      {identities.length === 0 && <p className="tg-intro">{t("identities.none")}</p>}
      <ul className="tg-list" aria-label={t("identities.list")}>
        {identities.map((identity) => (
          <li key={identity.id} className="tg-item">
            <div className="tg-item-text">
              <div className="tg-item-title">{identity.label}</div>
              <div className="tg-meta">
                {identity.email ?? t("identities.noEmail")} ·{" "}
                {t("identities.linked", { date: i18n.dateTime(identity.createdAt) })}
              </div>
            </div>
            <Button
              label={t("identities.unlinkLabel", { provider: identity.label })}
              busy={action.busy}
              onClick={() =>
                action.run(async () => {
                  await withStepUp(api, () => api.auth.identities.unlink.mutate({ id: identity.id }), props.prove);
                  await queryClient.invalidateQueries({ queryKey: KEY });
                })
              }
            >
              {t("identities.unlink")}
            </Button>
          </li>
        ))}
      </ul>
      <div className="tg-actions">
        {(providers.data ?? []).map((provider) => (
          <Button
            key={provider.name}
            busy={action.busy}
            onClick={() =>
              action.run(async () => {
                const { url } = await withStepUp(
                  api,
                  () => api.auth.identities.linkStart.mutate({ provider: provider.name }),
                  props.prove,
                );
                // To the provider; it comes back to the page with ?linked=<name>.
                window.location.assign(url);
              })
            }
          >
            {t("identities.link", { provider: provider.label })}
          </Button>
        ))}
      </div>
      <Alert message={action.error} />
    </Section>
  );
}
