/**
 * A small page over the components, served by a real Tollgate in the
 * Chromium tests (the way a host app uses them): `?lang=fa` picks Persian,
 * mailed links (/reset-password, /verify-email) pick their screen.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTollgateReact, useSession } from "@tollgate/react";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import {
  AccountSettings,
  ResetPassword,
  SignIn,
  SignUp,
  TollgateUIProvider,
  UserButton,
  VerifyEmail,
} from "../../src/index.js";
import "../../src/styles.css";

const params = new URLSearchParams(window.location.search);
const locale = params.get("lang") ?? "en";
const token = params.get("token") ?? undefined;
const link = window.location.pathname;
if (link !== "/") window.history.replaceState(null, "", `/?lang=${locale}`);

const queryClient = new QueryClient();
const tollgate = createTollgateReact({ url: "/trpc", queryClient });

function Page() {
  const { status } = useSession(tollgate);
  const [screen, setScreen] = useState<"sign-in" | "sign-up" | "settings">("sign-in");
  const [mailed, setMailed] = useState(link);
  const home = () => setMailed("/");
  if (mailed === "/verify-email" && token) return <VerifyEmail token={token} onDone={home} />;
  if (mailed === "/reset-password" && token) return <ResetPassword token={token} onSignedIn={home} onBack={home} />;
  if (status === "loading") return null;
  if (status === "signed-in") {
    return (
      <>
        <UserButton onOpenSettings={() => setScreen("settings")} />
        <AccountSettings />
      </>
    );
  }
  if (screen === "sign-up") return <SignUp onSignIn={() => setScreen("sign-in")} />;
  return <SignIn onSignUp={() => setScreen("sign-up")} />;
}

const dir = locale === "fa" ? "rtl" : "ltr";
document.documentElement.lang = locale;
document.documentElement.dir = dir;
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TollgateUIProvider tollgate={tollgate} locale={locale}>
          <Page />
        </TollgateUIProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
