import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";

/**
 * The WebAuthn JSON shapes @simplewebauthn defines, checked for their shape
 * and bounded in size before anything reads them (a credential id is at most
 * 1023 bytes; keys, signatures and client data stay far below 16 KiB). The
 * procedures' inputs are typed as the library's own types, so the SDK passes
 * @simplewebauthn/browser's results as they are.
 */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/);
const credentialId = base64url(1400);
const extensionResults = z.record(z.string(), z.unknown());
const attachment = z.enum(["platform", "cross-platform"]).optional();

const registrationShape = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults,
  response: z.object({
    clientDataJSON: base64url(16_384),
    attestationObject: base64url(65_536),
    authenticatorData: base64url(65_536).optional(),
    transports: z.array(z.string().max(32)).max(16).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(16_384).optional(),
  }),
});

const authenticationShape = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults,
  response: z.object({
    clientDataJSON: base64url(16_384),
    authenticatorData: base64url(16_384),
    signature: base64url(4_096),
    userHandle: base64url(256).optional(),
  }),
});

export const registrationResponse = z.custom<RegistrationResponseJSON>(
  (value) => registrationShape.safeParse(value).success,
  "Not a WebAuthn registration response",
);

export const authenticationResponse = z.custom<AuthenticationResponseJSON>(
  (value) => authenticationShape.safeParse(value).success,
  "Not a WebAuthn authentication response",
);

/** A passkey's name as its owner sees it in the list. */
export const passkeyName = z.string().trim().min(1).max(100);
export const passkeyId = credentialId;
