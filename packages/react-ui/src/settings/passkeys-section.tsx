import { useQuery, useQueryClient } from "@tanstack/react-query";
import { withStepUp } from "@tollgate/client-sdk";
import { registerPasskey } from "@tollgate/client-sdk/passkey";
import { useState } from "react";
import { useTollgateUI } from "../context.js";
import { UI_KEY } from "../session.js";
import { ActionForm, Alert, Button, Field, useAction, useT } from "../ui.js";
import { Section, type SectionProps } from "./section.js";

const KEY = [UI_KEY, "passkeys"];

/** The user's passkeys: add (the browser's prompt), rename in place, remove; adding and removing may ask for a step-up. */
export function PasskeysSection(props: SectionProps) {
  const { api, i18n } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: KEY, queryFn: () => api.auth.passkey.list.query() });
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string }>();
  const [newName, setNewName] = useState("");
  const action = useAction();
  const reload = () => queryClient.invalidateQueries({ queryKey: KEY });
  const passkeys = list.data ?? [];

  const add = () =>
    action.run(async () => {
      const given = name.trim();
      await withStepUp(api, () => registerPasskey(api, given ? { name: given } : {}), props.prove);
      setName("");
      await reload();
    });

  return (
    <Section name="passkeys" title={t("passkeys.title")}>
      <p className="tg-intro">{passkeys.length === 0 ? t("passkeys.none") : t("passkeys.some")}</p>
      <ul className="tg-list" aria-label={t("passkeys.list")}>
        {passkeys.map((passkey) =>
          renaming?.id === passkey.id ? (
            <li key={passkey.id} className="tg-item">
              <ActionForm
                name="passkey-rename"
                submit={t("passkeys.saveName")}
                busy={action.busy}
                error={undefined}
                actions={<Button onClick={() => setRenaming(undefined)}>{t("common.back")}</Button>}
                onSubmit={() =>
                  action.run(async () => {
                    await api.auth.passkey.rename.mutate({ id: passkey.id, name: newName.trim() });
                    setRenaming(undefined);
                    await reload();
                  })
                }
              >
                <Field
                  name="name"
                  label={t("passkeys.newNameFor", { name: passkey.name })}
                  autoComplete="off"
                  value={newName}
                  onChange={setNewName}
                  maxLength={100}
                />
              </ActionForm>
            </li>
          ) : (
            <li key={passkey.id} className="tg-item">
              <div className="tg-item-text">
                <div className="tg-item-title">{passkey.name}</div>
                <div className="tg-meta">
                  {[
                    t("passkeys.added", { date: i18n.dateTime(passkey.createdAt) }),
                    passkey.lastUsedAt === null
                      ? t("passkeys.neverUsed")
                      : t("passkeys.lastUsed", { date: i18n.dateTime(passkey.lastUsedAt) }),
                    t(passkey.backedUp ? "passkeys.synced" : "passkeys.deviceOnly"),
                  ].join(" · ")}
                </div>
              </div>
              <div className="tg-actions">
                <Button
                  label={t("passkeys.renameLabel", { name: passkey.name })}
                  onClick={() => {
                    setNewName(passkey.name);
                    setRenaming({ id: passkey.id, name: passkey.name });
                  }}
                >
                  {t("passkeys.rename")}
                </Button>
                <Button
                  label={t("passkeys.removeLabel", { name: passkey.name })}
                  busy={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await withStepUp(api, () => api.auth.passkey.remove.mutate({ id: passkey.id }), props.prove);
                      await reload();
                    })
                  }
                >
                  {t("passkeys.remove")}
                </Button>
              </div>
            </li>
          ),
        )}
      </ul>
      <Field
        name="passkeyName"
        label={t("passkeys.newName")}
        autoComplete="off"
        required={false}
        value={name}
        onChange={setName}
        maxLength={100}
      />
      <div className="tg-actions">
        <Button onClick={add} busy={action.busy}>
          {t("passkeys.add")}
        </Button>
      </div>
      <Alert message={action.error} />
    </Section>
  );
}
