import { authCodeOf, createTollgateClient, isUnauthorized } from "@tollgate/client-sdk";
import "./style.css";
import { renderSessions, showNotice, showProfile, showSignedOut, view } from "./view.js";

const api = createTollgateClient({
  url: "/trpc",
  onSessionExpired: (reason) => {
    showSignedOut();
    showNotice(reason === "signed-out" ? "You signed out." : "Your session has ended. Please sign in again.");
  },
});

async function loadSessions(): Promise<void> {
  const sessions = await api.auth.sessions.query();
  renderSessions(sessions, (id) => {
    void api.auth.revokeSession.mutate({ id }).then(loadSessions, report);
  });
}

async function loadProfile(): Promise<void> {
  const me = await api.user.me.query();
  showProfile(me);
  await loadSessions();
}

/** What the sign-in form says when auth.login fails: the server's reason code decides, never its wording. */
function signInErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : "Something went wrong";
  switch (authCodeOf(error)) {
    case "INVALID_CREDENTIALS":
      return "Invalid username or password";
    case "RATE_LIMITED":
      return message; // says how long to wait
  }
  // A server that sends no code for it: a refused sign-in is still a wrong username or password.
  return isUnauthorized(error) ? "Invalid username or password" : message;
}

function report(error: unknown): void {
  if (isUnauthorized(error)) return; // onSessionExpired already showed the sign-in form
  showNotice(error instanceof Error ? error.message : "Something went wrong");
}

view.form.addEventListener("submit", (event) => {
  event.preventDefault();
  view.signInError.hidden = true;
  api.auth.login
    .mutate({ username: view.username.value, password: view.password.value })
    .then(async ({ user }) => {
      view.password.value = "";
      showNotice(undefined);
      showProfile(user);
      await loadSessions();
    })
    .catch((error: unknown) => {
      view.signInError.hidden = false;
      view.signInError.textContent = signInErrorText(error);
    });
});

view.reload.addEventListener("click", () => {
  loadProfile().catch(report);
});

function signedOut(): void {
  showSignedOut();
  showNotice("You signed out.");
}

view.signOut.addEventListener("click", () => {
  api.auth.logout.mutate().then(signedOut, report);
});

view.signOutEverywhere.addEventListener("click", () => {
  api.auth.logoutAll.mutate().then(signedOut, report);
});

// On load: signed in already? (An expired access token is refreshed silently.)
loadProfile().then(
  () => showNotice(undefined),
  (error: unknown) => {
    showSignedOut();
    if (isUnauthorized(error)) showNotice(undefined);
    else report(error);
  },
);
