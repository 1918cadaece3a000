import {
  authCodeOf,
  createTollgateClient,
  isStepUpRequired,
  isUnauthorized,
  needsSecondFactor,
  withStepUp,
} from "@tollgate/client-sdk";
import { passkeySecondFactor, signInWithPasskey, supportsPasskeyAutofill } from "@tollgate/client-sdk/passkey";
import "./style.css";
import { showFlow, takeLinkToken } from "./account-flows.js";
import { createEmailCodeSignIn } from "./email-code.js";
import { createIdentitiesSection } from "./identities.js";
import { createPasskeySection } from "./passkeys.js";
import { type Provider, showProviderLinks, takeProviderReturn } from "./providers.js";
import { createSecuritySection } from "./security.js";
import { createStepUpPrompt } from "./step-up-prompt.js";
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

const security = createSecuritySection(api, () => {
  loadProfile().catch(report);
});
const askStepUp = createStepUpPrompt(api);
const passkeys = createPasskeySection(api, askStepUp);
let providers: Provider[] = [];
const identities = createIdentitiesSection(api, askStepUp, () => providers);

async function loadProfile(): Promise<void> {
  const me = await api.user.me.query();
  showProfile(me);
  // One after the other: auth.sessions stays a request of its own, the last of signing in.
  await security.render();
  await passkeys.render();
  await identities.render();
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
  if (isStepUpRequired(error)) {
    showNotice("Not done: this needs you to confirm it is you.");
    return;
  }
  showNotice(error instanceof Error ? error.message : "Something went wrong");
}

view.form.addEventListener("submit", (event) => {
  event.preventDefault();
  view.signInError.hidden = true;
  api.auth.login
    .mutate({ username: view.username.value, password: view.password.value })
    .then(async (result) => {
      view.password.value = "";
      if (needsSecondFactor(result)) {
        askSecondFactor(result.methods);
        return;
      }
      showNotice(undefined);
      await signedIn(result.user);
    })
    .catch((error: unknown) => {
      view.signInError.hidden = false;
      view.signInError.textContent = signInErrorText(error);
    });
});

/** Signed in by a passkey (the button, or the username field's autofill). */
function passkeySignedIn(result: Awaited<ReturnType<typeof signInWithPasskey>>): Promise<void> {
  if (needsSecondFactor(result)) {
    askSecondFactor(result.methods);
    return Promise.resolve();
  }
  view.password.value = "";
  showNotice(undefined);
  return signedIn(result.user);
}

view.passkeySignIn.addEventListener("click", () => {
  view.signInError.hidden = true;
  // No username: the browser offers the passkeys it holds for this site (discoverable credentials).
  signInWithPasskey(api)
    .then(passkeySignedIn)
    .catch((error: unknown) => {
      view.signInError.hidden = false;
      view.signInError.textContent = errorText(error);
    });
});

/**
 * The browser's autofill (conditional mediation): passkeys appear among the
 * username field's suggestions while the sign-in form waits. A ceremony
 * started by a button ends this one (the SDK aborts it): nothing to report.
 */
function offerPasskeyAutofill(): void {
  supportsPasskeyAutofill()
    .then((supported) => (supported ? signInWithPasskey(api, { autofill: true }).then(passkeySignedIn) : undefined))
    .catch(() => undefined);
}

/** The second step, with the factors the user has: a code (TOTP or recovery code) and/or a passkey. */
function askSecondFactor(methods: readonly string[] = ["totp", "recovery_code"]): void {
  view.form.hidden = true;
  view.accountFlow.hidden = true;
  view.accountFlow.replaceChildren();
  view.secondFactor.hidden = false;
  const codes = methods.includes("totp") || methods.includes("recovery_code");
  view.secondFactorTotp.hidden = !codes;
  view.secondFactorCode.required = codes;
  view.secondFactorPasskey.hidden = !methods.includes("passkey");
  if (codes) view.secondFactorCode.focus();
}

/** What a failed second step shows: back to the password when the pending sign-in is gone. */
function secondFactorFailed(error: unknown): void {
  const text = error instanceof Error ? error.message : "Something went wrong";
  if (authCodeOf(error) === "MFA_PENDING_INVALID") {
    // Expired or already used: back to the password.
    view.secondFactor.hidden = true;
    showSignedOut();
    view.signInError.hidden = false;
    view.signInError.textContent = text;
    return;
  }
  view.secondFactorError.hidden = false;
  view.secondFactorError.textContent = text;
}

view.secondFactorPasskey.addEventListener("click", () => {
  view.secondFactorError.hidden = true;
  passkeySecondFactor(api)
    .then(async ({ user }) => {
      view.secondFactor.hidden = true;
      showNotice(undefined);
      await signedIn(user);
    })
    .catch(secondFactorFailed);
});

view.secondFactor.addEventListener("submit", (event) => {
  event.preventDefault();
  view.secondFactorError.hidden = true;
  const value = view.secondFactorCode.value.trim();
  const input = /^\d{6}$/.test(value) ? { code: value } : { recoveryCode: value };
  api.auth.mfa.verify
    .mutate(input)
    .then(async ({ user }) => {
      view.secondFactorCode.value = "";
      view.secondFactor.hidden = true;
      showNotice(undefined);
      await signedIn(user);
    })
    .catch(secondFactorFailed);
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
  // A sensitive action: after STEP_UP_MAX_AGE the server asks for a fresh proof first.
  withStepUp(api, () => api.auth.logoutAll.mutate(), askStepUp).then(signedOut, report);
});

const errorText = (error: unknown) => (error instanceof Error ? error.message : "Something went wrong");

async function signedIn(user: Parameters<typeof showProfile>[0]): Promise<void> {
  showProfile(user);
  // One after the other: auth.sessions stays a request of its own, the last of signing in.
  await security.render();
  await passkeys.render();
  await identities.render();
  await loadSessions();
}

view.createAccount.addEventListener("click", () => {
  showNotice(undefined);
  showFlow(
    "sign-up",
    "Create an account",
    [
      { name: "username", label: "Choose a username", autocomplete: "username" },
      { name: "email", label: "Email address", type: "email", autocomplete: "email" },
      {
        name: "password",
        label: "Choose a password (8 characters or more)",
        type: "password",
        autocomplete: "new-password",
      },
    ],
    "Sign up",
    (flow) => {
      api.auth.signUp
        .mutate({ username: flow.value("username"), email: flow.value("email"), password: flow.value("password") })
        .then(async (result) => {
          if ("verificationRequired" in result) {
            showSignedOut();
            showNotice(`Almost there: follow the link we mailed to ${result.email}, then sign in.`);
            return;
          }
          // The address is the account's once its link is followed: until then it is pending.
          await signedIn({ ...result.user, pendingEmail: flow.value("email") });
          showNotice("Welcome! We mailed you a link to confirm your address.");
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
  );
});

const emailCode = createEmailCodeSignIn(api, { signedIn, askSecondFactor });
view.emailCodeSignIn.addEventListener("click", () => emailCode.start());

view.forgotPassword.addEventListener("click", () => {
  showNotice(undefined);
  showFlow(
    "forgot-password",
    "Forgot password?",
    [{ name: "email", label: "Email address", type: "email", autocomplete: "email" }],
    "Send reset link",
    (flow) => {
      api.auth.requestPasswordReset
        .mutate({ email: flow.value("email") })
        .then(() => {
          showSignedOut();
          showNotice("If an account has this address, a link to reset its password is on its way.");
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
  );
});

function showReset(token: string): void {
  showFlow(
    "reset-password",
    "Choose a new password",
    [
      {
        name: "password",
        label: "New password (8 characters or more)",
        type: "password",
        autocomplete: "new-password",
      },
    ],
    "Set new password",
    (flow) => {
      api.auth.resetPassword
        .mutate({ token, newPassword: flow.value("password") })
        .then(async (result) => {
          if (needsSecondFactor(result)) {
            askSecondFactor(result.methods);
            showNotice("Your password was changed; every session was signed out. Enter your code to sign in.");
            return;
          }
          await signedIn(result.user);
          showNotice("Your password was changed; every other session was signed out.");
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
  );
}

view.editProfile.addEventListener("click", () => {
  api.user.me
    .query()
    .then((me) => {
      showFlow(
        "edit-profile",
        "Edit profile",
        [
          { name: "firstName", label: "First name", autocomplete: "given-name", required: false, value: me.firstName },
          { name: "lastName", label: "Last name", autocomplete: "family-name", required: false, value: me.lastName },
          {
            name: "email",
            label: "Email address",
            type: "email",
            autocomplete: "email",
            required: false,
            value: me.email ?? "",
          },
          {
            name: "currentPassword",
            label: "Current password (to change the address; else you may be asked to confirm it is you)",
            type: "password",
            autocomplete: "current-password",
            required: false,
          },
        ],
        "Save profile",
        (flow) => {
          const email = flow.value("email") || null;
          const addressChanges = (email ?? "").toLowerCase() !== (me.email ?? "").toLowerCase();
          const currentPassword = flow.value("currentPassword");
          const save = () =>
            api.user.updateProfile.mutate({
              firstName: flow.value("firstName"),
              lastName: flow.value("lastName"),
              email,
              ...(addressChanges && currentPassword ? { currentPassword } : {}),
            });
          // Without the password, an address change after STEP_UP_MAX_AGE asks for a proof, then saves again.
          withStepUp(api, save, askStepUp)
            .then(async (user) => {
              await signedIn(user);
              showNotice(
                user.pendingEmail ? `Saved. We mailed a confirmation link to ${user.pendingEmail}.` : "Saved.",
              );
            })
            .catch((error: unknown) => flow.fail(errorText(error)));
        },
        undefined,
        () => {
          view.profile.hidden = false;
        },
      );
    })
    .catch(report);
});

function showSetup(token: string): void {
  showFlow(
    "setup",
    "Create the first account",
    [
      { name: "username", label: "Choose a username", autocomplete: "username" },
      { name: "email", label: "Email address (optional)", type: "email", autocomplete: "email", required: false },
      {
        name: "password",
        label: "Choose a password (8 characters or more)",
        type: "password",
        autocomplete: "new-password",
      },
    ],
    "Create account",
    (flow) => {
      const email = flow.value("email");
      api.auth.setup
        .mutate({
          token,
          username: flow.value("username"),
          password: flow.value("password"),
          ...(email ? { email } : {}),
        })
        .then(async ({ user }) => {
          await signedIn(user);
          showNotice("The first account is ready.");
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
    "While no account exists, the server prints a one-time setup link in its start log " +
      '("No user yet: create the first account at …/setup?token=…"); open that link here. ' +
      "It works once, for one hour; restart the server for a new one.",
  );
}

function verify(token: string): void {
  api.auth.verifyEmail.mutate({ token }).then(
    () => {
      showNotice("Your email address is confirmed.");
      loadProfile().catch(() => showSignedOut());
    },
    (error: unknown) => {
      showSignedOut();
      showNotice(errorText(error));
    },
  );
}

/** The link mailed when two-step sign-in locked after too many wrong codes. */
function unlockSecondFactor(token: string): void {
  api.auth.mfa.unlock.mutate({ token }).then(
    () => {
      showSignedOut();
      showNotice("Two-step sign-in is unlocked: sign in with a code from your app.");
    },
    (error: unknown) => {
      showSignedOut();
      showNotice(errorText(error));
    },
  );
}

api.meta.info.query().then(
  (info) => {
    view.createAccount.hidden = info.signup !== "open";
    view.emailCodeSignIn.hidden = !info.methods.includes("emailCode");
  },
  () => undefined,
);

/** The configured providers: the sign-in form's links, and the "Link …" buttons once signed in. */
const providersLoaded = api.auth.identities.providers.query().then(
  (list) => {
    providers = list;
    showProviderLinks(list);
  },
  () => undefined,
);

const link = takeLinkToken();
const providerReturn = takeProviderReturn();
if (providerReturn?.kind === "mfa") {
  // Back from a provider, signed in there: the account's second factor is still asked.
  showNotice(undefined);
  askSecondFactor(providerReturn.methods);
} else if (link?.kind === "reset") {
  showNotice(undefined);
  showReset(link.token);
} else if (link?.kind === "setup") {
  showNotice(undefined);
  showSetup(link.token);
} else if (link?.kind === "verify") {
  verify(link.token);
} else if (link?.kind === "mfa-unlock") {
  unlockSecondFactor(link.token);
} else if (link?.kind === "sign-in-link") {
  emailCode.followLink(link.token);
} else {
  startPage();
}

// On load: signed in already? (An expired access token is refreshed silently.)
function startPage(): void {
  providersLoaded.then(loadProfile).then(
    () => showNotice(providerNotice()),
    (error: unknown) => {
      showSignedOut();
      if (isUnauthorized(error)) showNotice(providerNotice());
      else report(error);
      offerPasskeyAutofill();
    },
  );
}

/** What the provider's redirect back said, for the notice. */
function providerNotice(): string | undefined {
  if (providerReturn?.kind === "error") return providerReturn.message;
  if (providerReturn?.kind === "linked") {
    const label = providers.find((p) => p.name === providerReturn.provider)?.label ?? providerReturn.provider;
    return `${label} is linked: you can sign in with it.`;
  }
  return undefined;
}
