import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import type { OutgoingMail } from "../stores/mail-outbox-store.js";
import { smtpTransportOptions } from "./smtp-options.js";

/**
 * nodemailer is loaded with the first mail, not at start: most instances
 * send none for hours. The transporter is made once and kept.
 */
type Nodemailer = typeof import("nodemailer")["default"];

function lazyTransporter(create: (mailer: Nodemailer) => Transporter): {
  get(): Promise<Transporter>;
  close(): void;
} {
  let made: Transporter | undefined;
  let making: Promise<Transporter> | undefined;
  let closed = false;
  return {
    get() {
      making ??= import("nodemailer").then((module) => {
        made = create(module.default);
        if (closed) made.close();
        return made;
      });
      return making;
    },
    close() {
      closed = true;
      made?.close();
    },
  };
}

/** The http(s) links of a mail's text part, in order. */
function linksIn(text: string): string[] {
  return text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
}

/** Sends one mail; throws when the server is down or refuses it. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP_URL: nodemailer over SMTP (smtps:// for implicit TLS; smtp:// must
 * upgrade with STARTTLS, except to a loopback host or when the URL says
 * otherwise: see smtpTransportOptions). Unset (development only: NODE_ENV=production
 * requires SMTP_URL): each mail is written as an .eml file under DATA_DIR/mail/,
 * its text part beside it as a .txt file, unencoded (an .eml's text is
 * quoted-printable, which splits long links across lines), and one log line
 * names the file and the links in the mail, to follow them from the terminal.
 * DATA_DIR=memory:// keeps nothing: the log line says the mail was dropped and
 * names the links.
 */
export function createMailTransport(
  config: Pick<ServerConfig, "smtpUrl" | "mailFrom" | "dataDir">,
  logger: Logger,
): MailTransport {
  const message = (mail: OutgoingMail) => ({
    from: config.mailFrom,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
  });
  if (config.smtpUrl) {
    const smtpUrl = config.smtpUrl;
    const transporter = lazyTransporter((mailer) => mailer.createTransport(smtpTransportOptions(smtpUrl)));
    return {
      async send(mail) {
        await (await transporter.get()).sendMail(message(mail));
      },
      close: () => transporter.close(),
    };
  }
  const files = lazyTransporter((mailer) =>
    mailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }),
  );
  const directory = config.dataDir === "memory://" ? undefined : resolve(config.dataDir, "mail");
  let counter = 0;
  return {
    async send(mail) {
      const info = await (await files.get()).sendMail(message(mail));
      const links = linksIn(mail.text);
      const linkList = links.length > 0 ? `; links: ${links.join(" ")}` : "";
      if (!directory) {
        logger.info(
          { subject: mail.subject, links },
          `mail "${mail.subject}" to ${mail.to} dropped (no SMTP_URL, DATA_DIR=memory://)${linkList}`,
        );
        return;
      }
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      counter += 1;
      const base = join(directory, `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}-${counter}`);
      const file = `${base}.eml`;
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      writeFileSync(`${base}.txt`, `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`, { mode: 0o600 });
      logger.info({ file, links }, `mail "${mail.subject}" to ${mail.to} written to ${file} (no SMTP_URL)${linkList}`);
    },
    close: () => files.close(),
  };
}
