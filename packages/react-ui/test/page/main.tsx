/**
 * A small page over the components, served by a real Tollgate in the
 * Chromium tests (the way a host app uses them): `?lang=fa` picks Persian,
 * mailed links (/reset-password, /verify-email, /mfa-unlock, /sign-in-link)
 * and the first-run setup link (/setup) pick their screen.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTollgateReact, useSession } from "@tollgate/react";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import {
  AccountSettings,
  type PartialCatalogue,
  ResetPassword,
  SignIn,
  SignUp,
  TollgateUIProvider,
  UnlockSecondFactor,
  UserButton,
  useTollgateUI,
  VerifyEmail,
} from "../../src/index.js";
import "../../src/styles.css";

const params = new URLSearchParams(window.location.search);
// ?lang= first, else the browser's language (a provider's redirect back carries no ?lang=).
const locale = params.get("lang") ?? navigator.language.split("-")[0] ?? "en";
const token = params.get("token") ?? undefined;
const link = window.location.pathname;
if (link !== "/") window.history.replaceState(null, "", `/?lang=${locale}`);
const mfa = params.get("mfa");

const unstyled = params.has("unstyled");
// A virtual authenticator answers the username field's passkey autofill at once: the tests turn it on by name only.
const passkeyAutofill = params.has("autofill");
/** A language the package does not have, as a host app would add it (the rest falls back to English). */
const hostCatalogue: PartialCatalogue | undefined =
  locale === "de" ? { signIn: { title: "Anmelden", submit: "Anmelden", forgot: "Passwort vergessen?" } } : undefined;

const queryClient = new QueryClient();
const tollgate = createTollgateReact({ url: "/trpc", queryClient });

function Page() {
  const { status } = useSession(tollgate);
  const [screen, setScreen] = useState<"sign-in" | "sign-up" | "settings">("sign-in");
  const [mailed, setMailed] = useState(link);
  const [notice, setNotice] = useState<string>();
  const { i18n } = useTollgateUI();
  const signedOut = () => setNotice(i18n.t("account.signedOut"));
  const home = () => setMailed("/");
  if (mailed === "/verify-email" && token) return <VerifyEmail token={token} onDone={home} />;
  if (mailed === "/reset-password" && token) return <ResetPassword token={token} onSignedIn={home} onBack={home} />;
  if (mailed === "/mfa-unlock" && token) return <UnlockSecondFactor token={token} onDone={home} />;
  if (mailed === "/setup" && token) return <SignUp setupToken={token} onSignedUp={home} />;
  if (status === "loading") return null;
  if (status === "signed-in") {
    return (
      <>
        <UserButton onOpenSettings={() => setScreen("settings")} onSignedOut={signedOut} />
        <AccountSettings onSignedOut={signedOut} />
      </>
    );
  }
  if (screen === "sign-up") return <SignUp onSignIn={() => setScreen("sign-in")} />;
  // Back from a provider with ?mfa=: the second step straight away.
  return (
    <SignIn
      onSignUp={() => setScreen("sign-up")}
      passkeyAutofill={passkeyAutofill}
      notice={notice}
      secondFactorMethods={mfa ? mfa.split(",") : undefined}
      linkToken={mailed === "/sign-in-link" ? token : undefined}
      onSignedIn={home}
    />
  );
}

const dir = ["fa", "ar", "he", "ur"].includes(locale) ? "rtl" : "ltr";
document.documentElement.lang = locale;
document.documentElement.dir = dir;
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TollgateUIProvider tollgate={tollgate} locale={locale} catalogue={hostCatalogue} unstyled={unstyled}>
          <Page />
        </TollgateUIProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
