import { authCodeOf, isUnauthorized, needsSecondFactor } from "@tollgate/client-sdk";
import { api } from "./client.js";

// #region before
// The Django front end's calls: plain fetch against DRF + SimpleJWT, cookies carried by the browser.
export interface DjangoUser {
  readonly id: number;
  readonly username: string;
  readonly first_name: string;
  readonly last_name: string;
}

export async function djangoSignIn(username: string, password: string): Promise<"signed-in" | "wrong"> {
  const res = await fetch("/accounts/auth/login/", {
    method: "POST",
    credentials: "include",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  return res.ok ? "signed-in" : "wrong"; // 401 {"detail": …}, 400 {"username": ["This field is required."]}
}

export async function djangoCurrentUser(): Promise<DjangoUser | null> {
  let res = await fetch("/accounts/user/", { credentials: "include" });
  if (res.status === 401) {
    // The access cookie expired: refresh (the refresh cookie's Path is /accounts/auth/), then once more.
    const refreshed = await fetch("/accounts/auth/refresh_token/", { method: "POST", credentials: "include" });
    if (!refreshed.ok) return null;
    res = await fetch("/accounts/user/", { credentials: "include" });
  }
  return res.ok ? ((await res.json()) as DjangoUser) : null;
}

export async function djangoSignOut(): Promise<void> {
  await fetch("/accounts/auth/logout/", { method: "POST", credentials: "include" });
}
// #endregion before

// #region after
// The same three with Tollgate's SDK: typed from the server's router, CSRF header and refresh built in.
export async function signIn(username: string, password: string): Promise<"signed-in" | "second-factor" | "wrong"> {
  try {
    const result = await api.auth.login.mutate({ username, password });
    return needsSecondFactor(result) ? "second-factor" : "signed-in"; // then api.auth.mfa.verify
  } catch (error) {
    if (authCodeOf(error) === "INVALID_CREDENTIALS") return "wrong";
    throw error; // RATE_LIMITED (with Retry-After), EMAIL_NOT_VERIFIED, …
  }
}

export async function currentUser(): Promise<{ id: string; username: string; firstName: string } | null> {
  try {
    const me = await api.user.me.query(); // an expired access token is refreshed and the call retried
    return { id: me.id, username: me.username, firstName: me.firstName };
  } catch (error) {
    if (isUnauthorized(error)) return null;
    throw error;
  }
}

export async function signOut(): Promise<void> {
  await api.auth.logout.mutate();
}
// #endregion after
