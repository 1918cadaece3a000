import { mailBodyKeys } from "./keyring.js";
import { createSealedBox } from "./sealed-box.js";

/** What a queued mail needs to be sent, beyond its recipient. */
export interface MailBody {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Bodies of queued mails are stored encrypted (JWE, `dir` + A256GCM, jose)
 * under a key derived from AUTH_SECRET with a label of its own: they hold
 * live reset and verification links, and a copy of the database (a backup, a
 * replica) must not be enough to follow them. The recipient is inside the
 * authenticated plaintext, so a sealed body cannot be moved to another row's
 * address.
 */
export interface MailBodyWrap {
  seal(recipient: string, body: MailBody): Promise<string>;
  /** Throws when no key (current or previous secret) opens it or it was sealed for another recipient. */
  open(recipient: string, sealed: string): Promise<MailBody>;
}

export function createMailBodyWrap(
  secret: string | Uint8Array,
  previousSecrets: readonly (string | Uint8Array)[] = [],
): MailBodyWrap {
  const box = createSealedBox(mailBodyKeys(secret, previousSecrets));
  return {
    seal: (recipient, body) => box.seal({ to: recipient, subject: body.subject, text: body.text, html: body.html }),
    async open(recipient, sealed) {
      const opened = await box.open(sealed);
      if (!opened) throw new TypeError("a queued mail cannot be decrypted with the secret or a previous one");
      const value = opened.value as { to?: unknown; subject?: unknown; text?: unknown; html?: unknown };
      if (
        value.to !== recipient ||
        typeof value.subject !== "string" ||
        typeof value.text !== "string" ||
        typeof value.html !== "string"
      ) {
        throw new TypeError("a queued mail was sealed for another recipient");
      }
      return { subject: value.subject, text: value.text, html: value.html };
    },
  };
}
