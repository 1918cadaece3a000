/**
 * The account page's entry: the language first (<html lang dir>, the title),
 * then the mailed link or provider answer out of the address bar, then the
 * page over the typed client (cookies only: the page never sees a token).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTollgateReact } from "@tollgate/react";
import { TollgateUIProvider } from "@tollgate/react-ui";
import "@tollgate/react-ui/styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AccountPage } from "./app.js";
import { language, setDocumentLanguage } from "./i18n.js";
import { takePageLink } from "./links.js";
import { createSessionExpiry } from "./session-expiry.js";
import "./style.css";

setDocumentLanguage();
const link = takePageLink();
const expiry = createSessionExpiry();
const queryClient = new QueryClient();
const tollgate = createTollgateReact({ url: "/trpc", queryClient, onSessionExpired: expiry.notify });

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TollgateUIProvider tollgate={tollgate} locale={language}>
          <AccountPage link={link} expiry={expiry} />
        </TollgateUIProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
