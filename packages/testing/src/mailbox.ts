import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { isAddressedTo, type ReceivedMail } from "./received-mail.js";

/** The addresses of a To or Cc header, display names dropped. */
function addresses(field: ParsedMail["to"]): string[] {
  if (!field) return [];
  const headers = Array.isArray(field) ? field : [field];
  return headers.flatMap((header) => header.value.map((entry) => entry.address ?? "")).filter((address) => address);
}

/** A link ends at white space; a closing bracket or sentence punctuation right after it is not part of it. */
const LINK = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/** What a test reads of a mail mailparser parsed. */
function toReceivedMail(mail: ParsedMail): ReceivedMail {
  const recipients = [...addresses(mail.to), ...addresses(mail.cc)];
  const text = mail.text ?? "";
  const links = text.match(LINK) ?? [];
  return {
    to: recipients[0] ?? "",
    recipients,
    subject: mail.subject ?? "",
    text,
    html: typeof mail.html === "string" ? mail.html : "",
    links,
    link: links[0],
  };
}

/** How long a wait for a mail lasts before it fails, by default (ms). */
const DEFAULT_WAIT_MS = 10_000;

export interface WaitOptions {
  /** Only mails whose subject matches. */
  readonly subject?: RegExp;
  /** Fail after this long without such a mail (default 10 000 ms). */
  readonly timeoutMs?: number;
}

/**
 * A real SMTP server on a free port of 127.0.0.1 that keeps every mail it is
 * sent, parsed. Give `url` to Tollgate as SMTP_URL (`startTollgate({ mailbox })`
 * does), then read what it mailed.
 */
export interface Mailbox {
  /** `smtp://127.0.0.1:PORT`: Tollgate's `smtpUrl` (SMTP_URL). */
  readonly url: string;
  readonly port: number;
  /** Every mail received so far, oldest first. */
  readonly received: readonly ReceivedMail[];
  /**
   * The oldest mail to `to` (matching `subject`, if given) that no earlier
   * `nextMail` returned, waiting for it to arrive: read an inbox in order.
   */
  nextMail(to: string, options?: WaitOptions): Promise<ReceivedMail>;
  /** The `nth` (from 1) mail to `to` whose subject matches, waiting for it to arrive; reading it does not use it up. */
  waitFor(to: string, subject: RegExp, nth?: number, timeoutMs?: number): Promise<ReceivedMail>;
  /** The mails to `to` whose subject matches, received so far. */
  matching(to: string, subject: RegExp): ReceivedMail[];
  /** Stops accepting connections (a mail server outage); the port stays this mailbox's for `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port after `stop`. */
  start(): Promise<void>;
  /** Stops for good; waits still pending fail. */
  close(): Promise<void>;
}

interface Waiter {
  /** Takes the mail it waits for, if it has arrived. */
  take(): ReceivedMail | undefined;
  resolve(mail: ReceivedMail): void;
  reject(error: Error): void;
}

/** Starts a mailbox: the smtp-server package on a free port of 127.0.0.1, each mail parsed with mailparser. */
export async function startMailbox(): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  /** Mails `nextMail` has handed out. */
  const read = new Set<ReceivedMail>();
  const waiters = new Set<Waiter>();
  let port = 0;
  let server: SMTPServer | undefined;
  let closed = false;

  const settleWaiters = () => {
    for (const waiter of waiters) {
      const mail = waiter.take();
      if (mail) {
        waiters.delete(waiter);
        waiter.resolve(mail);
      }
    }
  };

  /** Resolves with what `take` finds, now or as mails arrive; fails after `timeoutMs`. */
  const wait = (take: () => ReceivedMail | undefined, what: string, timeoutMs: number) => {
    const found = take();
    if (found) return Promise.resolve(found);
    if (closed) return Promise.reject(new Error(`The mailbox is closed: no ${what}`));
    return new Promise<ReceivedMail>((resolve, reject) => {
      // A deadline, so a mail that never comes fails the test with a clear message instead of its timeout.
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`No ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        take,
        resolve: (mail) => {
          clearTimeout(timer);
          resolve(mail);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.add(waiter);
    });
  };

  const listen = async () => {
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            received.push(toReceivedMail(mail));
            callback();
            settleWaiters();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once("error", reject);
      smtp.listen(port, "127.0.0.1", () => {
        smtp.off("error", reject);
        resolve();
      });
    });
    port = (smtp.server.address() as AddressInfo).port;
    server = smtp;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      const stopping = server;
      server = undefined;
      stopping.close(() => resolve());
    });

  const matching = (to: string, subject: RegExp) =>
    received.filter((mail) => isAddressedTo(mail, to) && subject.test(mail.subject));

  await listen();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    matching,
    nextMail(to, options = {}) {
      const subject = options.subject ?? /(?:)/;
      const take = () => {
        const mail = received.find((m) => !read.has(m) && isAddressedTo(m, to) && subject.test(m.subject));
        if (mail) read.add(mail);
        return mail;
      };
      return wait(take, `new mail to ${to} matching ${subject}`, options.timeoutMs ?? DEFAULT_WAIT_MS);
    },
    waitFor(to, subject, nth = 1, timeoutMs = DEFAULT_WAIT_MS) {
      return wait(() => matching(to, subject)[nth - 1], `mail ${nth} to ${to} matching ${subject}`, timeoutMs);
    },
    stop,
    start: listen,
    async close() {
      closed = true;
      await stop();
      for (const waiter of waiters) waiter.reject(new Error("The mailbox was closed"));
      waiters.clear();
    },
  };
}
