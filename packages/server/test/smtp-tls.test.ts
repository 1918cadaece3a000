import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpTransportOptions } from "../src/mail/smtp-options.js";
import { type Mailbox, startMailbox } from "./support/index.js";

describe("SMTP needs TLS except to a loopback host or when SMTP_URL says otherwise", () => {
  let smtp: Mailbox;
  beforeAll(async () => {
    smtp = await startMailbox();
  });
  afterAll(() => smtp?.stop());

  it("decides requireTLS from the URL", () => {
    const cases: [string, boolean][] = [
      ["smtp://user:pw@mail.example.org:587", true],
      ["smtp://10.0.0.5:25", true],
      ["smtp://127.0.0.1:2525", false],
      ["smtp://localhost:25", false],
      ["smtp://[::1]:25", false],
      ["smtps://mail.example.org:465", false],
      ["smtp://mail.example.org:25?requireTLS=false", false],
      ["smtp://mail.example.org:25?ignoreTLS=true", false],
      ["smtp://mail.example.org:25?opportunisticTLS=true", false],
      // Naming an option is not opting out: only the values above let mail go in clear.
      ["smtp://mail.example.org:25?ignoreTLS=false", true],
      ["smtp://mail.example.org:25?opportunisticTLS", true],
      ["smtp://mail.example.org:25?requireTLS=true", true],
    ];
    for (const [url, requireTLS] of cases) {
      expect({ url, requireTLS: smtpTransportOptions(url).requireTLS }).toEqual({ url, requireTLS });
    }
  });

  it("a real server without STARTTLS gets no mail under the options a non-loopback host gets", async () => {
    // The TLS decision SMTP_URL=smtp://mail.example.org gets, applied to a connection to the test server
    // (which offers no STARTTLS). This proves nodemailer refuses under that decision; the decision itself
    // is the unit test above.
    const { requireTLS } = smtpTransportOptions(`smtp://mail.example.org:${smtp.port}`);
    const refusing = nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, secure: false, requireTLS });
    const mail = { from: "a@example.org", to: "plain@example.org", subject: "secret", text: "a live link" };
    try {
      await expect(refusing.sendMail(mail)).rejects.toThrow(/STARTTLS/i);
    } finally {
      refusing.close();
    }
    expect(smtp.matching("plain@example.org", /secret/)).toHaveLength(0);
    // The loopback URL of the same server still delivers.
    const loopback = nodemailer.createTransport(smtpTransportOptions(smtp.url));
    try {
      await loopback.sendMail(mail);
    } finally {
      loopback.close();
    }
    expect(smtp.matching("plain@example.org", /secret/)).toHaveLength(1);
  });
});
