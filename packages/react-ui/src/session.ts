import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { PublicUser } from "@tollgate/client-sdk";
import { SESSION_QUERY_KEY } from "@tollgate/react";
import { useTollgateUI } from "./context.js";

/** Query keys of this package's per-user data: outside `SESSION_QUERY_KEY`'s "tollgate", so signing out drops them. */
export const UI_KEY = "tollgate-ui";
/**
 * What the server offers (meta.info, its providers) is the same for everyone:
 * kept under "tollgate", beside the session, so it survives a sign-out and the
 * sign-in form that follows shows passkeys and providers at once.
 */
const SERVER_KEY = [SESSION_QUERY_KEY[0], "ui-server"] as const;

/** Marks the session signed in as `user` (after a second factor, a passkey, a reset…): every useSession re-renders. */
export function useSignedIn(): (user: PublicUser) => void {
  const queryClient = useQueryClient();
  return (user) => queryClient.setQueryData(SESSION_QUERY_KEY, user);
}

/** meta.info: whether sign-up is open and which methods answer (passkey, emailCode, oidc…). */
export function useServerInfo() {
  const { api } = useTollgateUI();
  return useQuery({
    queryKey: [...SERVER_KEY, "meta"],
    queryFn: () => api.meta.info.query(),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The configured providers (OpenID Connect), only when the server has the method. */
export function useProviders(enabled: boolean) {
  const { api } = useTollgateUI();
  return useQuery({
    queryKey: [...SERVER_KEY, "providers"],
    queryFn: () => api.auth.identities.providers.query(),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    enabled,
  });
}
