import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A mail as the SMTP server received it, parsed. */
export interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The first link of the plain-text body. */
  readonly link: string | undefined;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Stops listening (the port stays this server's to start again). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Waits for the `nth` (from 1) mail to `to` whose subject matches. */
  waitFor(to: string, subject: RegExp, nth?: number): Promise<ReceivedMail>;
  /** The mails to `to` whose subject matches, so far. */
  matching(to: string, subject: RegExp): ReceivedMail[];
}

function toReceived(mail: ParsedMail): ReceivedMail {
  const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
  const text = mail.text ?? "";
  return {
    to: to ?? "",
    subject: mail.subject ?? "",
    text,
    html: typeof mail.html === "string" ? mail.html : "",
    link: /https?:\/\/\S+/.exec(text)?.[0],
  };
}

/** A real SMTP server (the smtp-server package) on a free port of 127.0.0.1; every mail is parsed with mailparser. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let port = 0;
  let server: SMTPServer;
  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            received.push(toReceived(mail));
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  };
  await listen();
  const matching = (to: string, subject: RegExp) =>
    received.filter((m) => m.to.toLowerCase() === to.toLowerCase() && subject.test(m.subject));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    start: listen,
    matching,
    async waitFor(to, subject, nth = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = matching(to, subject)[nth - 1];
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`No mail ${nth} to ${to} matching ${subject} within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
