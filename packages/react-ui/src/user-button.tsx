import { useSession } from "@tollgate/react";
import { useEffect, useId, useRef, useState } from "react";
import { useTollgateUI } from "./context.js";
import { Root, useT } from "./ui.js";

export interface UserButtonProps {
  /** "Account settings" in the menu: the host shows `<AccountSettings>`. */
  readonly onOpenSettings?: () => void;
  readonly onSignedOut?: () => void;
}

/** The signed-in user's name as a button that opens a small menu: account settings, sign out. Nothing when signed out. */
export function UserButton(props: UserButtonProps) {
  const ui = useTollgateUI();
  const t = useT();
  const { status, user, signOut } = useSession(ui);
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>("button")?.focus();
  }, [open]);
  if (status !== "signed-in" || !user) return null;
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const name = `${user.firstName} ${user.lastName}`.trim() || user.username;
  return (
    <Root name="user-button">
      <button
        ref={toggle}
        type="button"
        className="tg-button tg-secondary tg-user-toggle"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
      >
        <span className="tg-user-name">{name}</span>
      </button>
      <fieldset
        ref={menu}
        id={menuId}
        className="tg-menu"
        aria-label={t("userButton.menu")}
        hidden={!open}
        onKeyDown={(event) => {
          if (event.key === "Escape") close();
        }}
      >
        {props.onOpenSettings && (
          <button
            type="button"
            className="tg-button tg-secondary"
            onClick={() => {
              setOpen(false);
              props.onOpenSettings?.();
            }}
          >
            {t("userButton.settings")}
          </button>
        )}
        <button
          type="button"
          className="tg-button tg-secondary"
          onClick={() => {
            setOpen(false);
            void signOut().then(() => props.onSignedOut?.());
          }}
        >
          {t("userButton.signOut")}
        </button>
      </fieldset>
    </Root>
  );
}
