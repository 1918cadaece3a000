import type { OutgoingMail } from "../stores/mail-outbox-store.js";

/**
 * Every mail Tollgate sends, plain text and HTML, in one place. Values are
 * escaped for HTML; links are built by the caller from PUBLIC_ORIGIN (or the
 * request's own origin). A mail to an address nobody has confirmed carries
 * no text its requester chose (no username, no names): whoever typed the
 * address could otherwise write to any inbox in our name.
 */

/** How a mail names the account: by its username only when the recipient confirmed the address. */
export function accountName(user: { readonly username: string; readonly emailVerified: boolean }): string {
  return user.emailVerified ? `the account ${user.username}` : "an account";
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function mail(to: string, subject: string, paragraphs: readonly string[], link?: { href: string; label: string }) {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.href}`] : [])].join("\n\n");
  const html = [
    "<!doctype html><html><body>",
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : "",
    "</body></html>",
  ].join("\n");
  return { to, subject, text: `${text}\n`, html } satisfies OutgoingMail;
}

/** `account`: accountName(user). */
export function passwordResetMail(to: string, account: string, link: string): OutgoingMail {
  return mail(
    to,
    "Reset your password",
    [
      `Someone asked to reset the password of ${account}.`,
      "The link works once, for 30 minutes. If it was not you, ignore this mail: your password stays as it is.",
    ],
    { href: link, label: "Choose a new password" },
  );
}

/** `account`: accountName(user); `minutes`: how long the code and link work. */
export function signInCodeMail(to: string, account: string, code: string, link: string, minutes: number): OutgoingMail {
  return mail(
    to,
    `Your sign-in code: ${code}`,
    [
      `Someone asked to sign in to ${account} with a code by mail. The code is ${code}.`,
      `The code and the link each work once, for ${minutes} minutes; using one voids the other. Never give the code to anyone: nobody from us will ask for it. If it was not you, ignore this mail: nobody can sign in without it.`,
    ],
    { href: link, label: "Sign in" },
  );
}

/** Where a sign-in or change came from, in a mail: device, network, time (UTC). */
export interface MailOrigin {
  readonly device: string | undefined;
  readonly ip: string | null;
  readonly at: Date;
}

function fromWhere(origin: MailOrigin): string {
  const device = origin.device ?? "an unknown browser";
  const network = origin.ip ? ` at ${origin.ip}` : "";
  return `${device}${network}, ${origin.at.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/** `account`: accountName(user). */
export function newDeviceMail(to: string, account: string, origin: MailOrigin): OutgoingMail {
  return mail(to, "New sign-in to your account", [
    `Someone signed in to ${account} from a device it had not used before: ${fromWhere(origin)}.`,
    "If it was you, there is nothing to do. If not, change your password at once, sign out everywhere (the account page's Sessions section) and tell your administrator.",
  ]);
}

/** `account`: accountName(user); `factor`: what was added or removed, in words. */
export function factorChangedMail(
  to: string,
  account: string,
  change: "added" | "removed",
  factor: string,
  origin: MailOrigin,
): OutgoingMail {
  return mail(
    to,
    change === "added" ? `A sign-in method was added: ${factor}` : `A sign-in method was removed: ${factor}`,
    [
      `${factor[0]?.toUpperCase()}${factor.slice(1)} was ${change} ${change === "added" ? "to" : "from"} ${account}, from ${fromWhere(origin)}.`,
      "If it was not you, sign in, change your password, check the account's sign-in methods and sessions, and tell your administrator.",
    ],
  );
}

/** `account`: accountName(user). */
export function passwordChangedMail(to: string, account: string): OutgoingMail {
  return mail(to, "Your password was changed", [
    `The password of ${account} was changed, and every session of it was signed out.`,
    "If it was not you, reset your password at once and tell your administrator.",
  ]);
}

/** `account`: accountName(user). */
export function recoveryCodeUsedMail(to: string, account: string, left: number): OutgoingMail {
  return mail(to, "A recovery code was used to sign in", [
    `Someone signed in to ${account} with a recovery code instead of the authenticator app. ${left} recovery code(s) are left.`,
    "If it was not you, sign in, change your password and turn two-step sign-in off and on again (new recovery codes), and tell your administrator.",
  ]);
}

/** `account`: accountName(user). */
export function mfaLockedMail(to: string, account: string, failures: number, link: string): OutgoingMail {
  return mail(
    to,
    "Two-step sign-in locked",
    [
      `${failures} wrong codes in a row were given for ${account}, after its password: codes from the authenticator app are refused until the link below is followed. A recovery code still signs in (and unlocks it too).`,
      "If it was not you, someone knows your password: after unlocking, change it at once and tell your administrator.",
      "The link works once, for 24 hours.",
    ],
    { href: link, label: "Unlock two-step sign-in" },
  );
}

/**
 * `account`: accountName(user). A lock within 24 hours of an unlock by the
 * mailed link: no new link, or a mailbox alone could unlock it again and again.
 */
export function mfaLockedAgainMail(to: string, account: string, failures: number): OutgoingMail {
  return mail(to, "Two-step sign-in locked", [
    `${failures} wrong codes in a row were given for ${account}, after its password, within 24 hours of the last unlock by email: codes from the authenticator app are refused.`,
    "No unlock link is sent this time. Sign in with a recovery code (it unlocks it too), or ask your administrator to reset your two-step sign-in.",
    "If it was not you, someone knows your password and may read your mail: change both at once and tell your administrator.",
  ]);
}

/** To an address not confirmed yet: nothing the requester chose. */
export function verifyEmailMail(to: string, link: string): OutgoingMail {
  return mail(
    to,
    "Confirm your email address",
    [
      `Someone asked to use ${to} as the address of an account.`,
      "If it was you, confirm it: the link works once, for 24 hours. If not, ignore this mail: nothing changes.",
    ],
    { href: link, label: "Confirm the address" },
  );
}

/** To the owner of an address someone else tried to use (sign-up or profile change): nothing the requester chose. */
export function addressInUseMail(to: string): OutgoingMail {
  return mail(to, "Someone tried to use your email address", [
    `Someone asked to use ${to}, the address of your account, for another account. Nothing changed, and they were not told that this address has an account.`,
    "If it was you, sign in with your account instead, or reset your password if you forgot it.",
  ]);
}

/** To the address an account had; `account`: accountName(user) as it was. */
export function emailChangedMail(to: string, account: string, newEmail: string | null): OutgoingMail {
  return mail(to, "Your email address was changed", [
    newEmail
      ? `The address of ${account} was changed from this one to ${newEmail}.`
      : `This address was removed from ${account}.`,
    "If it was not you, reset your password and tell your administrator.",
  ]);
}
