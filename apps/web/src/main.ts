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
import { createActivitySection } from "./activity.js";
import { createAdminSection } from "./admin.js";
import { createEmailCodeSignIn } from "./email-code.js";
import { errorText } from "./errors.js";
import { t, translatePage } from "./i18n.js";
import { createIdentitiesSection } from "./identities.js";
import { createPasskeySection } from "./passkeys.js";
import { createProfileActions } from "./profile-actions.js";
import { type Provider, showProviderLinks, takeProviderReturn } from "./providers.js";
import { createSecuritySection } from "./security.js";
import { createStepUpPrompt } from "./step-up-prompt.js";
import {
  type ProfileUser,
  renderSessions,
  showNotice,
  showProfile,
  showProfileError,
  showSignedOut,
  showSignInError,
  view,
} from "./view.js";

// Before anything shows: <html lang dir> and the static texts in the browser's language.
translatePage();

const api = createTollgateClient({
  url: "/trpc",
  onSessionExpired: (reason) => {
    showSignedOut();
    showNotice(reason === "signed-out" ? t("notice.signedOut") : t("notice.sessionEnded"));
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
const activity = createActivitySection(api);
const admin = createAdminSection(api, askStepUp);

/**
 * The signed-in page from user.me, the one account view that is always
 * current (a sign-in's answer leaves out a pending address).
 */
async function loadProfile(): Promise<void> {
  showProfile(await api.user.me.query());
  await security.render();
  await passkeys.render();
  await identities.render();
  await activity.render();
  await admin.render();
  // Last: auth.sessions stays a request of its own, the last of signing in.
  await loadSessions();
}

/** What the sign-in form says when auth.login fails: the server's reason code decides, never its wording. */
function signInErrorText(error: unknown): string {
  // A server that sends no code for it: a refused sign-in is still a wrong username or password.
  if (authCodeOf(error) === undefined && isUnauthorized(error)) return t("signIn.invalid");
  return errorText(error);
}

function report(error: unknown): void {
  if (isUnauthorized(error)) return; // onSessionExpired already showed the sign-in form
  if (isStepUpRequired(error)) {
    showNotice(t("notice.stepUpNeeded"));
    return;
  }
  if (view.profile.hidden) showNotice(errorText(error));
  else showProfileError(errorText(error));
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
    .catch((error: unknown) => showSignInError(signInErrorText(error)));
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
    .catch((error: unknown) => showSignInError(errorText(error)));
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
  const text = errorText(error);
  if (authCodeOf(error) === "MFA_PENDING_INVALID") {
    // Expired or already used: back to the password.
    view.secondFactor.hidden = true;
    showSignedOut();
    showSignInError(text);
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

function signedOut(): void {
  showSignedOut();
  showNotice(t("notice.signedOut"));
}

view.signOut.addEventListener("click", () => {
  api.auth.logout.mutate().then(signedOut, report);
});

view.signOutEverywhere.addEventListener("click", () => {
  // A sensitive action: after STEP_UP_MAX_AGE the server asks for a fresh proof first.
  withStepUp(api, () => api.auth.logoutAll.mutate(), askStepUp).then(signedOut, report);
});

/**
 * Signed in: the answer's user shows at once (the username the contract
 * asks for), then the whole account loads from user.me.
 */
async function signedIn(user?: ProfileUser): Promise<void> {
  if (user) showProfile(user);
  await loadProfile();
}

createProfileActions(api, askStepUp, signedIn);

view.createAccount.addEventListener("click", () => {
  showNotice(undefined);
  showFlow(
    "sign-up",
    t("flow.signUpTitle"),
    [
      { name: "username", label: t("flow.chooseUsername"), autocomplete: "username" },
      { name: "email", label: t("flow.emailAddress"), type: "email", autocomplete: "email" },
      { name: "password", label: t("flow.choosePassword"), type: "password", autocomplete: "new-password" },
    ],
    t("flow.signUpSubmit"),
    (flow) => {
      api.auth.signUp
        .mutate({ username: flow.value("username"), email: flow.value("email"), password: flow.value("password") })
        .then(async (result) => {
          if ("verificationRequired" in result) {
            showSignedOut();
            showNotice(t("notice.verificationNeeded", { email: result.email }));
            return;
          }
          await signedIn(result.user);
          showNotice(t("notice.welcome"));
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
    t("flow.forgotTitle"),
    [{ name: "email", label: t("flow.emailAddress"), type: "email", autocomplete: "email" }],
    t("flow.forgotSubmit"),
    (flow) => {
      api.auth.requestPasswordReset
        .mutate({ email: flow.value("email") })
        .then(() => {
          showSignedOut();
          showNotice(t("notice.resetSent"));
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
  );
});

function showReset(token: string): void {
  showFlow(
    "reset-password",
    t("flow.resetTitle"),
    [{ name: "password", label: t("flow.newPassword"), type: "password", autocomplete: "new-password" }],
    t("flow.resetSubmit"),
    (flow) => {
      api.auth.resetPassword
        .mutate({ token, newPassword: flow.value("password") })
        .then(async (result) => {
          if (needsSecondFactor(result)) {
            askSecondFactor(result.methods);
            showNotice(t("notice.resetDoneCode"));
            return;
          }
          await signedIn(result.user);
          showNotice(t("notice.resetDone"));
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
  );
}

function showSetup(token: string): void {
  showFlow(
    "setup",
    t("flow.setupTitle"),
    [
      { name: "username", label: t("flow.chooseUsername"), autocomplete: "username" },
      {
        name: "email",
        label: t("flow.emailOptional"),
        type: "email",
        autocomplete: "email",
        required: false,
      },
      { name: "password", label: t("flow.choosePassword"), type: "password", autocomplete: "new-password" },
    ],
    t("flow.setupSubmit"),
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
          showNotice(t("notice.firstAccount"));
        })
        .catch((error: unknown) => flow.fail(errorText(error)));
    },
    // The visitor followed the setup link already: the text says what it does, not where to find it.
    t("flow.setupIntro"),
  );
}

function verify(token: string): void {
  api.auth.verifyEmail.mutate({ token }).then(
    () => {
      showNotice(t("notice.emailConfirmed"));
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
      showNotice(t("notice.unlocked"));
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
    return t("notice.linked", { provider: label });
  }
  return undefined;
}
