/**
 * @simplewebauthn/server, with its X.509 and ASN.1 dependencies (~270
 * modules, ~25 MB of RSS), loaded with the first passkey ceremony rather than
 * at start: the method is on by default, and most servers see a passkey
 * seldom or never.
 */
export interface WebAuthn {
  readonly server: typeof import("@simplewebauthn/server");
  readonly helpers: typeof import("@simplewebauthn/server/helpers");
}

let loading: Promise<WebAuthn> | undefined;

export function webauthn(): Promise<WebAuthn> {
  loading ??= Promise.all([import("@simplewebauthn/server"), import("@simplewebauthn/server/helpers")]).then(
    ([server, helpers]) => ({ server, helpers }),
  );
  return loading;
}
