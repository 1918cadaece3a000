/**
 * The standalone server's account page: @tollgate/react-ui's screens, picked
 * by what brought the visitor here (a mailed link, a provider's redirect
 * back) and by the session. The page adds only its heading, the notices that
 * span screens ("You signed out.", a provider's answer) and the
 * administration section.
 */
import { useQuery } from "@tanstack/react-query";
import { useSession } from "@tollgate/react";
import {
  AccountSettings,
  ResetPassword,
  SignIn,
  SignUp,
  UnlockSecondFactor,
  useTollgateUI,
  VerifyEmail,
} from "@tollgate/react-ui";
import { type ReactNode, useEffect, useState } from "react";
import { AdminPanel } from "./admin/admin-panel.js";
import { t } from "./i18n.js";
import type { PageLink } from "./links.js";
import { providerErrorNotice } from "./provider-notice.js";
import type { SessionExpiry } from "./session-expiry.js";

export interface AccountPageProps {
  /** What the address bar held when the page loaded (already taken out of it). */
  readonly link: PageLink | undefined;
  readonly expiry: SessionExpiry;
}

export function AccountPage(props: AccountPageProps) {
  const ui = useTollgateUI();
  const { status } = useSession(ui);
  // A mailed link's screen shows until the visitor leaves it.
  const [link, setLink] = useState(props.link);
  const [signingUp, setSigningUp] = useState(false);
  const [notice, setNotice] = useState(() =>
    props.link?.kind === "provider-error" ? providerErrorNotice(props.link.code) : undefined,
  );
  const linkedNotice = useLinkedNotice(props.link);
  useEffect(
    () =>
      props.expiry.subscribe((reason) =>
        setNotice(reason === "signed-out" ? ui.i18n.t("account.signedOut") : t("notice.sessionEnded")),
      ),
    [props.expiry, ui.i18n],
  );
  // Passkeys among the username field's suggestions come with a fresh load of the signed-out page; after
  // signing out here they wait for the next load, so the sign-out is not undone by the same passkey at once.
  const [signedOutHere, setSignedOutHere] = useState(false);
  const home = () => setLink(undefined);
  /** Leaves the link's screen with a notice on the next. */
  const homeSaying = (message: string) => () => {
    home();
    setNotice(message);
  };
  const signedOut = () => {
    setSignedOutHere(true);
    setNotice(ui.i18n.t("account.signedOut"));
  };

  let screen: ReactNode;
  if (link?.kind === "verify") {
    screen = <VerifyEmail token={link.token} onDone={home} />;
  } else if (link?.kind === "reset") {
    screen = <ResetPassword token={link.token} onSignedIn={homeSaying(ui.i18n.t("reset.done"))} onBack={home} />;
  } else if (link?.kind === "mfa-unlock") {
    screen = <UnlockSecondFactor token={link.token} onDone={home} />;
  } else if (link?.kind === "setup") {
    screen = <SignUp setupToken={link.token} onSignedUp={homeSaying(t("notice.firstAccount"))} />;
  } else if (status === "loading") {
    screen = <p role="status">{t("page.checking")}</p>;
  } else if (status === "signed-in") {
    const message = notice ?? linkedNotice;
    screen = (
      <>
        {message && (
          <p className="page-notice" role="status">
            {message}
          </p>
        )}
        <AccountSettings onSignedOut={signedOut} />
        <AdminPanel />
      </>
    );
  } else if (signingUp) {
    screen = <SignUp onSignIn={() => setSigningUp(false)} onSignedUp={() => setSigningUp(false)} />;
  } else {
    screen = (
      <SignIn
        notice={notice}
        passkeyAutofill={!signedOutHere}
        onSignUp={() => setSigningUp(true)}
        onSignedIn={() => {
          // The mailed link (or the provider's second step) is done with: a later sign-out shows the plain form.
          home();
          setNotice(undefined);
        }}
        linkToken={link?.kind === "sign-in-link" ? link.token : undefined}
        // Back from a provider that signed the visitor in: the account's own second step.
        secondFactorMethods={link?.kind === "provider-mfa" ? link.methods : undefined}
      />
    );
  }
  return (
    <>
      <h1>{t("page.heading")}</h1>
      {screen}
    </>
  );
}

/** "<Provider> is linked": the provider's label from the server's list (its name until that answers). */
function useLinkedNotice(link: PageLink | undefined): string | undefined {
  const { api } = useTollgateUI();
  const provider = link?.kind === "provider-linked" ? link.provider : undefined;
  const providers = useQuery({
    queryKey: ["account-page", "providers"],
    queryFn: () => api.auth.identities.providers.query(),
    enabled: provider !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  if (provider === undefined) return undefined;
  const label = providers.data?.find((entry) => entry.name === provider)?.label ?? provider;
  return t("notice.linked", { provider: label });
}
