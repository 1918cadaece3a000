/**
 * The components' button (tg-button; tg-secondary unless primary, tg-danger
 * for what cannot be undone). While an action is under way it says so
 * (aria-disabled) and ignores clicks, but stays focusable, so focus never
 * drops to the page.
 */
import type { ReactNode, Ref } from "react";

export interface AdminButtonProps {
  readonly onClick: () => void;
  readonly children: ReactNode;
  readonly primary?: boolean;
  /** Cannot be undone (deleting an account): the danger colour. */
  readonly danger?: boolean;
  readonly busy?: boolean;
  /** Which action this is (data-action): focus comes back to it once the user is shown again. */
  readonly action?: string;
  readonly ref?: Ref<HTMLButtonElement>;
}

export function AdminButton(props: AdminButtonProps) {
  return (
    <button
      ref={props.ref}
      type="button"
      className={`tg-button ${props.danger ? "tg-danger" : props.primary ? "tg-primary" : "tg-secondary"}`}
      data-action={props.action}
      aria-disabled={props.busy}
      onClick={() => {
        if (!props.busy) props.onClick();
      }}
    >
      {props.children}
    </button>
  );
}
