import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTollgateUI } from "../context.js";
import { UI_KEY } from "../session.js";
import { ActionForm, Field, useAction, useT } from "../ui.js";
import { Section, type SectionProps } from "./section.js";

/** auth.changePassword: every other session ends; this one is signed in afresh. */
export function PasswordSection(props: SectionProps) {
  const { api } = useTollgateUI();
  const t = useT();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const action = useAction();
  return (
    <Section name="password" title={t("password.title")}>
      <ActionForm
        name="change-password"
        submit={t("password.submit")}
        busy={action.busy}
        error={action.error}
        focusFirst={false}
        onSubmit={() =>
          action.run(async () => {
            await api.auth.changePassword.mutate({ currentPassword: current, newPassword: next });
            setCurrent("");
            setNext("");
            props.notify(t("password.done"));
            await queryClient.invalidateQueries({ queryKey: [UI_KEY] });
          })
        }
      >
        <Field
          name="currentPassword"
          type="password"
          label={t("password.current")}
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
        />
        <Field
          name="newPassword"
          type="password"
          label={t("password.new")}
          autoComplete="new-password"
          value={next}
          onChange={setNext}
        />
      </ActionForm>
    </Section>
  );
}
