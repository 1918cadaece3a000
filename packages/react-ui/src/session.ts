import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { PublicUser } from "@tollgate/client-sdk";
import { SESSION_QUERY_KEY } from "@tollgate/react";
import { useTollgateUI } from "./context.js";

/** Query keys of this package: outside `SESSION_QUERY_KEY`'s "tollgate", so signing out drops them. */
export const UI_KEY = "tollgate-ui";

/** Marks the session signed in as `user` (after a second factor, a passkey, a reset…): every useSession re-renders. */
export function useSignedIn(): (user: PublicUser) => void {
  const queryClient = useQueryClient();
  return (user) => queryClient.setQueryData(SESSION_QUERY_KEY, user);
}

/** meta.info: whether sign-up is open and which methods answer (passkey, emailCode, oidc…). */
export function useServerInfo() {
  const { api } = useTollgateUI();
  return useQuery({
    queryKey: [UI_KEY, "meta"],
    queryFn: () => api.meta.info.query(),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The configured providers (OpenID Connect), only when the server has the method. */
export function useProviders(enabled: boolean) {
  const { api } = useTollgateUI();
  return useQuery({
    queryKey: [UI_KEY, "providers"],
    queryFn: () => api.auth.identities.providers.query(),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    enabled,
  });
}
