import { useState } from "react";
import { useTollgateUI } from "./context.js";
import { useServerInfo } from "./session.js";
import { ActivitySection } from "./settings/activity-section.js";
import { IdentitiesSection } from "./settings/identities-section.js";
import { PasskeysSection } from "./settings/passkeys-section.js";
import { PasswordSection } from "./settings/password-section.js";
import { ProfileSection } from "./settings/profile-section.js";
import type { SectionProps } from "./settings/section.js";
import { SessionsSection } from "./settings/sessions-section.js";
import { TwoStepSection } from "./settings/two-step-section.js";
import { useStepUp } from "./step-up-prompt.js";
import { Button, Notice, Root, useAction, useT } from "./ui.js";

export interface AccountSettingsProps {
  /** After "Sign out" (the session is null already). */
  readonly onSignedOut?: () => void;
}

/**
 * The signed-in user's account: profile and address, password, two-step
 * sign-in, passkeys and linked providers (as the server offers them),
 * sessions and recent activity. A sensitive action that needs a fresh proof
 * shows the step-up prompt in place of the sections until it is answered.
 */
export function AccountSettings(props: AccountSettingsProps) {
  const { session } = useTollgateUI();
  const t = useT();
  const info = useServerInfo();
  const methods = info.data?.methods ?? [];
  const { prove, prompt } = useStepUp();
  const [notice, setNotice] = useState<string>();
  const signOut = useAction();
  const sections: SectionProps = { prove, notify: setNotice };
  return (
    <Root name="account-settings">
      <div className="tg-header">
        <h2>{t("account.title")}</h2>
        <Button
          busy={signOut.busy}
          onClick={() =>
            signOut.run(async () => {
              await session.signOut();
              props.onSignedOut?.();
            })
          }
        >
          {t("account.signOut")}
        </Button>
      </div>
      <Notice message={notice} />
      {signOut.error && (
        <p className="tg-error" role="alert">
          {signOut.error}
        </p>
      )}
      {prompt}
      {/* Kept mounted under the prompt, so a section's state (an open form) survives the step-up. */}
      <div className="tg-sections" hidden={prompt !== null}>
        <ProfileSection {...sections} />
        <PasswordSection {...sections} />
        {methods.includes("totp") && <TwoStepSection {...sections} />}
        {methods.includes("passkey") && <PasskeysSection {...sections} />}
        {methods.includes("oidc") && <IdentitiesSection {...sections} />}
        <SessionsSection {...sections} />
        <ActivitySection />
      </div>
    </Root>
  );
}
