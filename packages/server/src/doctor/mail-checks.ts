import { isLoopbackHost, smtpTransportOptions } from "../mail/smtp-options.js";
import type { CheckGroup, DoctorInput, Finding } from "./finding.js";

/**
 * Mail in clear: the transport (smtp-options.ts) insists on STARTTLS for
 * smtp:// unless the host is loopback or the URL opts out with nodemailer's
 * own options; smtps:// is TLS from the start. What the transport would send
 * in clear to another machine is reported, using its own decision.
 */
function plainSmtp({ config }: DoctorInput): Finding[] {
  if (config.smtpUrl === undefined) return [];
  const url = new URL(config.smtpUrl);
  if (url.protocol !== "smtp:" || isLoopbackHost(url.hostname)) return [];
  if (smtpTransportOptions(config.smtpUrl).requireTLS) return [];
  return [
    {
      id: "TG-SMTP-PLAINTEXT",
      severity: "error",
      message: `SMTP_URL opts out of STARTTLS to ${url.hostname}: the SMTP password and every mailed link (password reset, sign-in codes) may cross the network in clear`,
      fix: "Drop requireTLS=false / ignoreTLS=true / opportunisticTLS=true from SMTP_URL, or use smtps://.",
      standard: "ASVS 5.0 12.3.1",
    },
  ];
}

export const mailChecks: CheckGroup = { ids: ["TG-SMTP-PLAINTEXT"], run: plainSmtp };
