import { Secret, TOTP } from "otpauth";
import type { JarClient } from "./jar-client.js";
import { data } from "./trpc-result.js";

/** The code an authenticator app shows for a base32 `secret` at `timestamp` (epoch ms): RFC 6238, SHA-1, 6 digits, 30 s. */
export function totpCodeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp,
  });
}

/** A second factor turned on by enrolTotp: what the user's authenticator app and paper hold. */
export interface TotpEnrolment {
  /** Base32, as the app scanned it. */
  readonly secret: string;
  /** The ten single-use recovery codes shown at confirmation. */
  readonly recoveryCodes: readonly string[];
  /** The app's code at `timestamp` (epoch ms; the server's clock when it is injected). */
  codeAt(timestamp: number): string;
}

/**
 * Turns TOTP on for the user `client` is signed in as, through the real
 * procedures (auth.mfa.totp.begin with the password, then confirm with the
 * app's code at `now`). A code is accepted once: move the clock a step (30 s)
 * before the next code is typed.
 */
export async function enrolTotp(client: JarClient, password: string, now: number = Date.now()): Promise<TotpEnrolment> {
  const begin = await client.mutation("auth.mfa.totp.begin", { password });
  if (begin.status !== 200) throw new Error(`auth.mfa.totp.begin answered ${begin.status}`);
  const { secret } = data<{ secret: string }>(begin);
  const confirm = await client.mutation("auth.mfa.totp.confirm", { code: totpCodeAt(secret, now) });
  if (confirm.status !== 200) throw new Error(`auth.mfa.totp.confirm answered ${confirm.status}`);
  const { recoveryCodes } = data<{ recoveryCodes: string[] }>(confirm);
  return { secret, recoveryCodes, codeAt: (timestamp) => totpCodeAt(secret, timestamp) };
}
