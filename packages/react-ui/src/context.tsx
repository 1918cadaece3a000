import type { TollgateClient } from "@tollgate/client-sdk";
import type { SessionControl } from "@tollgate/react";
import { type CSSProperties, createContext, type ReactNode, useContext, useMemo } from "react";
import type { Language } from "./i18n/catalogue.js";
import { createTranslator, type Translator } from "./i18n/translator.js";
import { type Theme, themeStyle } from "./theme.js";

/** What `createTollgateReact` returns (any router that includes Tollgate's). */
export interface TollgateBinding {
  readonly client: unknown;
  readonly session: SessionControl;
}

export interface TollgateUIProviderProps {
  /** `createTollgateReact({ url, queryClient })`; the host keeps TanStack Query's QueryClientProvider above. */
  readonly tollgate: TollgateBinding;
  /** BCP 47 tag: "en", "fa", or the host's own language (with `catalogue`). Default "en". */
  readonly locale?: string;
  /** Strings for `locale` when it is not built in (keys left out fall back to English), or to reword a built-in one. */
  readonly catalogue?: Language["catalogue"];
  /** Only semantic markup with stable `tg-*` class names: the host styles everything. */
  readonly unstyled?: boolean;
  /** CSS custom properties for every component root (`{ accent: "#0a7" }` sets `--tg-color-accent`). */
  readonly theme?: Theme;
  readonly children?: ReactNode;
}

export interface TollgateUI {
  readonly api: TollgateClient;
  readonly session: SessionControl;
  readonly i18n: Translator;
  readonly unstyled: boolean;
  readonly style: CSSProperties | undefined;
}

const UIContext = createContext<TollgateUI | undefined>(undefined);

/** Gives every component below the API client, the language and the look. */
export function TollgateUIProvider(props: TollgateUIProviderProps): ReactNode {
  const { tollgate, locale = "en", catalogue, unstyled = false, theme, children } = props;
  const i18n = useMemo(
    () => createTranslator(locale, catalogue ? { locale, catalogue } : undefined),
    [locale, catalogue],
  );
  const value = useMemo<TollgateUI>(
    () => ({
      // Tollgate's procedures, whatever else the host's router holds (as @tollgate/react does).
      api: tollgate.client as TollgateClient,
      session: tollgate.session,
      i18n,
      unstyled,
      style: theme ? themeStyle(theme) : undefined,
    }),
    [tollgate, i18n, unstyled, theme],
  );
  return <UIContext.Provider value={value}>{children}</UIContext.Provider>;
}

export function useTollgateUI(): TollgateUI {
  const ui = useContext(UIContext);
  if (!ui) throw new Error("@tollgate/react-ui: wrap the components in <TollgateUIProvider tollgate={…}>");
  return ui;
}
