import { type QueryClient, useQuery } from "@tanstack/react-query";
import {
  isUnauthorized,
  needsSecondFactor,
  type PublicUser,
  type SignInResult,
  type TollgateClient,
  type TollgateClientOptions,
  type TollgateRouter,
  tollgateLinks,
} from "@tollgate/client-sdk";
import type { AppRouter } from "@tollgate/server";
import { createTRPCClient, type TRPCClient } from "@trpc/client";
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from "@trpc/tanstack-react-query";

/** The TanStack Query key of the session (the signed-in user, or null). */
export const SESSION_QUERY_KEY = ["tollgate", "session"] as const;

export interface TollgateReactOptions extends TollgateClientOptions {
  /** The app's QueryClient (the one its QueryClientProvider holds). */
  readonly queryClient: QueryClient;
}

export type SessionStatus = "loading" | "signed-in" | "signed-out";

export interface SessionState {
  readonly status: SessionStatus;
  /** The signed-in user (user.me), or null. */
  readonly user: PublicUser | null;
  /** auth.login; on success the session is the user it returns; `{ mfaRequired }`: call auth.mfa.verify next. */
  signIn(credentials: { username: string; password: string }): Promise<SignInResult>;
  /** auth.logout; the session is null afterwards, and every other cached query is dropped (they were this user's). */
  signOut(): Promise<void>;
  /** A failure other than "not signed in" (server unreachable…). */
  readonly error: Error | null;
}

/** What useSession drives: the session's reads and writes. */
export interface SessionControl {
  currentUser(): Promise<PublicUser | null>;
  signIn(credentials: { username: string; password: string }): Promise<SignInResult>;
  signOut(): Promise<void>;
}

export interface TollgateReact<TRouter extends TollgateRouter> {
  /** The tRPC client over Tollgate's links (cookies, CSRF header, refresh on 401). */
  readonly client: TRPCClient<TRouter>;
  /** @trpc/tanstack-react-query's options proxy: `useQuery(trpc.notes.list.queryOptions())`. */
  readonly trpc: TRPCOptionsProxy<TRouter>;
  /** For `useSession(tollgate)`. */
  readonly session: SessionControl;
}

/**
 * React on Tollgate, with TanStack Query: a typed tRPC options proxy for the
 * app's procedures, and what `useSession(tollgate)` needs. A session that ends without this tab
 * asking (a refused refresh, a sign-out in another tab) sets the session to
 * null, so every `useSession` re-renders signed out, then `onSessionExpired` runs
 * (only when a user was signed in: a first visit without a session is not an expiry).
 */
export function createTollgateReact<TRouter extends TollgateRouter = AppRouter>(
  options: TollgateReactOptions,
): TollgateReact<TRouter> {
  const { queryClient, onSessionExpired, ...clientOptions } = options;
  const signedOut = () => {
    queryClient.setQueryData(SESSION_QUERY_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
  };
  const client = createTRPCClient<TRouter>({
    links: tollgateLinks<TRouter>({
      ...clientOptions,
      onSessionExpired(reason) {
        // A first visit without a session also ends in a refused refresh: only a session the UI showed "expires".
        const wasSignedIn = Boolean(queryClient.getQueryData(SESSION_QUERY_KEY));
        signedOut();
        if (wasSignedIn) onSessionExpired?.(reason);
      },
    }),
  });
  // Tollgate's procedures, whatever else the app's router holds.
  const tollgate = client as unknown as TollgateClient;
  const trpc = createTRPCOptionsProxy<TRouter>({ client, queryClient });

  async function currentUser(): Promise<PublicUser | null> {
    try {
      return await tollgate.user.me.query();
    } catch (error) {
      if (isUnauthorized(error)) return null;
      throw error;
    }
  }

  async function signIn(credentials: { username: string; password: string }): Promise<SignInResult> {
    const result = await tollgate.auth.login.mutate(credentials);
    if (!needsSecondFactor(result)) queryClient.setQueryData(SESSION_QUERY_KEY, result.user);
    return result;
  }

  async function signOut(): Promise<void> {
    try {
      await tollgate.auth.logout.mutate();
    } finally {
      signedOut();
    }
  }

  return { client, trpc, session: { currentUser, signIn, signOut } };
}

/** The session, shared by every component through the QueryClient: `const { status, user, signIn, signOut } = useSession(tollgate)`. */
export function useSession(tollgate: { readonly session: SessionControl }): SessionState {
  const { currentUser, signIn, signOut } = tollgate.session;
  const query = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: currentUser,
    // Changed by signIn/signOut/expiry, never by time.
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  let status: SessionStatus = "signed-out";
  if (query.isPending) status = "loading";
  else if (query.data) status = "signed-in";
  return { status, user: query.data ?? null, signIn, signOut, error: query.error };
}
