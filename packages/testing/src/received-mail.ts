/** A mail as the mailbox received it, parsed by mailparser. */
export interface ReceivedMail {
  /** The first recipient's address. */
  readonly to: string;
  /** Every recipient's address (To and Cc). */
  readonly recipients: readonly string[];
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** The HTML body ("" when there is none). */
  readonly html: string;
  /** Every http(s) link of the plain-text body, in order. */
  readonly links: readonly string[];
  /** The first of `links`: Tollgate's mails carry one (reset, confirmation, unlock). */
  readonly link: string | undefined;
}

/** Whether `mail` went to `address` (ignoring case, as mail addresses are compared). */
export function isAddressedTo(mail: ReceivedMail, address: string): boolean {
  const wanted = address.toLowerCase();
  return mail.recipients.some((recipient) => recipient.toLowerCase() === wanted);
}
