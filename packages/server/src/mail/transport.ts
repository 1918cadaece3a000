import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import type { OutgoingMail } from "../stores/mail-outbox-store.js";
import { smtpTransportOptions } from "./smtp-options.js";

/** Sends one mail; throws when the server is down or refuses it. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP_URL: nodemailer over SMTP (smtps:// for implicit TLS; smtp:// must
 * upgrade with STARTTLS, except to a loopback host or when the URL says
 * otherwise: see smtpTransportOptions). Unset (development): each mail is written as an
 * .eml file under DATA_DIR/mail/ and one log line names the file, never the
 * link in it. DATA_DIR=memory:// keeps nothing: the log line says the mail was
 * dropped.
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
    const transporter = nodemailer.createTransport(smtpTransportOptions(config.smtpUrl));
    return {
      async send(mail) {
        await transporter.sendMail(message(mail));
      },
      close: () => transporter.close(),
    };
  }
  const files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const directory = config.dataDir === "memory://" ? undefined : resolve(config.dataDir, "mail");
  let counter = 0;
  return {
    async send(mail) {
      const info = await files.sendMail(message(mail));
      if (!directory) {
        logger.info({ subject: mail.subject }, "mail dropped (no SMTP_URL, DATA_DIR=memory://)");
        return;
      }
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      counter += 1;
      const file = join(directory, `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}-${counter}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      logger.info({ file }, `mail written to ${file} (no SMTP_URL)`);
    },
    close: () => files.close(),
  };
}
