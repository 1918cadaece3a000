/**
 * The English catalogue of the page's own strings (its title, the
 * administration section, what a provider's redirect back says); the
 * components bring theirs (@tollgate/react-ui). Other
 * languages give the same keys (their type is this one's shape), so a key
 * missing from a translation is a compile error, not a blank on the page.
 * `{{name}}` placeholders are filled by i18next; numbers and dates arrive
 * already formatted with Intl for the page's language.
 */
export const en = {
  page: {
    title: "Your account",
    heading: "Your account",
    checking: "Checking your session…",
  },
  notice: {
    sessionEnded: "Your session has ended. Please sign in again.",
    firstAccount: "The first account is ready.",
    linked: "{{provider}} is linked: you can sign in with it.",
  },
  admin: {
    heading: "Administration",
    intro: "Find a user by username, address or name.",
    query: "Search users",
    search: "Search",
    results: "Users found",
    none: "No user matches.",
    more: "Show more",
    noAddress: "no address",
    active: "active",
    disabled: "disabled",
    administrator: "administrator",
    user: "User {{username}}",
    created: "account created {{date}}",
    factors: "Second factors: {{list}}",
    noFactors: "Second factors: none",
    factor: {
      totp: "authenticator app",
      recovery_code: "recovery codes",
      passkey: "passkey",
    },
    sessions: "Live sessions",
    noSessions: "No live session.",
    activity: "Activity",
    actionsFor: "Actions for {{username}}",
    disable: "Disable",
    enable: "Enable",
    endSessions: "End sessions",
    resetFactors: "Reset second factors",
    resendVerification: "Resend verification",
    makeAdmin: "Make administrator",
    removeAdmin: "Remove administrator",
    delete: "Delete",
    confirmDelete:
      "Delete {{username}} for good? Their sessions, second factors and linked sign-in providers go with the account; this cannot be undone.",
    confirmDeleteSubmit: "Delete for good",
    cancel: "Cancel",
    close: "Close",
    done: {
      disabled: "{{username}} is disabled; sessions ended: {{count}}.",
      enabled: "{{username}} may sign in again.",
      sessionsEnded: "{{username}}: sessions ended: {{count}}.",
      factorsReset: "{{username}}: second factors reset; sessions ended: {{count}}.",
      verificationSent: "A new confirmation link is on its way to {{username}}.",
      verificationNotSent: "No mail sent: {{username}} has no unconfirmed address.",
      adminGranted: "{{username}} is an administrator.",
      adminRevoked: "{{username}} is no longer an administrator.",
      deleted: "{{username}} is deleted.",
    },
  },
  errors: {
    generic: "Something went wrong. Please try again.",
    network: "The server could not be reached. Please try again.",
    passkeyFailed: "The passkey prompt was closed or did not answer. Please try again.",
    rateLimited: "Too many attempts; try again in {{seconds}} s",
    rateLimitedNoTime: "Too many attempts. Please wait a while and try again.",
    passwordWrong: "The password is wrong",
    currentPasswordWrong: "The current password is wrong",
    policy: {
      too_short: "The password must have at least 8 characters",
      too_long: "The password is too long",
      common: "The password is one of the most common passwords; choose another",
      same_as_username: "The password must not be the username",
      same_as_email: "The password must not be the email address",
      other: "Choose another password",
    },
    code: {
      ACCOUNT_EXISTS: "That username is taken",
      ADMIN_REQUIRED: "This needs an administrator",
      ADMIN_SELF_ACTION: "An administrator cannot do this to their own account: another administrator can",
      ACCOUNT_INACTIVE: "This account may not sign in",
      EMAIL_CODE_INVALID: "The code or link is wrong, expired or already used: ask for a new one",
      EMAIL_NOT_VERIFIED: "Confirm your email address first: follow the link in the mail",
      HASH_QUEUE_FULL: "The server is busy checking passwords; try again shortly",
      IDENTITY_TAKEN: "This identity is already linked to another account",
      INVALID_CREDENTIALS: "Invalid username or password",
      LINK_INVALID: "The link is invalid, expired or already used",
      MFA_CODE_INVALID: "The code is wrong, expired or already used",
      MFA_LOCKED: "Two-step sign-in is locked after too many wrong codes: follow the link we mailed you",
      MFA_PENDING_INVALID: "Sign in again: the sign-in expired or was completed",
      PASSKEY_ALREADY_REGISTERED: "This passkey is already registered",
      PASSKEY_CHALLENGE_INVALID: "The passkey prompt expired or was already answered: try again",
      PASSKEY_LIMIT: "This account holds the most passkeys it may: remove one first",
      PASSKEY_VERIFICATION_FAILED: "The passkey could not be verified",
      PASSWORD_CHANGED_CONCURRENTLY: "The password was changed meanwhile; try again",
      SIGNUP_CLOSED: "Sign-up is closed on this server; ask an administrator for an account",
      STEP_UP_REQUIRED: "Confirm it is you: this needs a recent sign-in",
      USERNAME_INVALID: "That username cannot be used: choose another",
      USER_NOT_FOUND: "No such user: the account may have been deleted",
    },
  },
  providerReturn: {
    OIDC_STATE_INVALID: "That sign-in was not started here, expired or was already used. Please start again.",
    OIDC_DENIED: "The sign-in was cancelled or refused at the provider.",
    OIDC_CODE_INVALID: "The provider's answer expired or was already used. Please start again.",
    OIDC_TOKEN_INVALID: "The provider's answer could not be verified, so you were not signed in.",
    OIDC_PROVIDER_UNAVAILABLE: "The provider could not be reached. Please try again later.",
    OIDC_PROVIDER_UNKNOWN: "That provider is not configured here.",
    SIGNUP_CLOSED:
      "No account is linked to that identity, and sign-up is closed. Sign in another way, then link it under Security.",
    IDENTITY_TAKEN: "That identity is already linked to another account.",
    EMAIL_NOT_VERIFIED: "The provider gave no verified email address, which this server needs for a new account.",
    ACCOUNT_INACTIVE: "This account may not sign in.",
    SESSION_REVOKED: "Your session ended before the identity could be linked. Sign in and try again.",
    RATE_LIMITED: "Too many attempts. Please wait a while and try again.",
    other: "Signing in with the provider failed.",
  },
};

/** The catalogue's shape: every language gives these keys. */
export type Catalogue = DeepStrings<typeof en>;
type DeepStrings<T> = { readonly [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
