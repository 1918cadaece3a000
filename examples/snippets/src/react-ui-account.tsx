// Tollgate's account screens in a React app: sign-in when signed out, the account settings when signed in.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTollgateReact, useSession } from "@tollgate/react";
import { AccountSettings, SignIn, TollgateUIProvider, UserButton } from "@tollgate/react-ui";
import "@tollgate/react-ui/styles.css";
import type { AppRouter } from "./app-router.js";

const queryClient = new QueryClient();
const tollgate = createTollgateReact<AppRouter>({ url: "/trpc", queryClient });

function Account() {
  const { status } = useSession(tollgate);
  if (status === "loading") return null;
  return status === "signed-in" ? <AccountSettings /> : <SignIn />;
}

export function App() {
  // English and Persian are built in; pass `catalogue` for a language of your own.
  const locale = navigator.language.startsWith("fa") ? "fa" : "en";
  return (
    <QueryClientProvider client={queryClient}>
      <TollgateUIProvider tollgate={tollgate} locale={locale} theme={{ accent: "#0a7d5a" }}>
        <UserButton />
        <Account />
      </TollgateUIProvider>
    </QueryClientProvider>
  );
}
