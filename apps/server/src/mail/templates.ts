import type { OutgoingMail } from "../stores/mail-outbox-store.js";

/**
 * Every mail Tollgate sends, plain text and HTML, in one place. Values are
 * escaped for HTML; links are built by the caller from PUBLIC_ORIGIN (or the
 * request's own origin).
 */

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

export function passwordResetMail(to: string, username: string, link: string): OutgoingMail {
  return mail(
    to,
    "Reset your password",
    [
      `Someone asked to reset the password of the account ${username}.`,
      "The link works once, for 30 minutes. If it was not you, ignore this mail: your password stays as it is.",
    ],
    { href: link, label: "Choose a new password" },
  );
}

export function passwordChangedMail(to: string, username: string): OutgoingMail {
  return mail(to, "Your password was changed", [
    `The password of the account ${username} was changed, and every session of it was signed out.`,
    "If it was not you, reset your password at once and tell your administrator.",
  ]);
}

export function recoveryCodeUsedMail(to: string, username: string, left: number): OutgoingMail {
  return mail(to, "A recovery code was used to sign in", [
    `Someone signed in to the account ${username} with a recovery code instead of the authenticator app. ${left} recovery code(s) are left.`,
    "If it was not you, sign in, change your password and turn two-step sign-in off and on again (new recovery codes), and tell your administrator.",
  ]);
}

export function mfaLockedMail(to: string, username: string, failures: number, link: string): OutgoingMail {
  return mail(
    to,
    "Two-step sign-in locked",
    [
      `${failures} wrong codes in a row were given for the account ${username}, after its password: codes from the authenticator app are refused until the link below is followed. A recovery code still signs in (and unlocks it too).`,
      "If it was not you, someone knows your password: after unlocking, change it at once and tell your administrator.",
      "The link works once, for 24 hours.",
    ],
    { href: link, label: "Unlock two-step sign-in" },
  );
}

export function verifyEmailMail(to: string, username: string, link: string): OutgoingMail {
  return mail(
    to,
    "Confirm your email address",
    [`Confirm that ${to} is the address of the account ${username}.`, "The link works once, for 24 hours."],
    { href: link, label: "Confirm the address" },
  );
}

export function emailChangedMail(to: string, username: string, newEmail: string | null): OutgoingMail {
  return mail(to, "Your email address was changed", [
    newEmail
      ? `The address of the account ${username} was changed from this one to ${newEmail}.`
      : `This address was removed from the account ${username}.`,
    "If it was not you, reset your password and tell your administrator.",
  ]);
}
