import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";

/**
 * The options as they travel: @simplewebauthn's JSON without `extensions`
 * (Tollgate asks for none; their PRF inputs are bytes, which a JSON answer
 * cannot carry, so their type would not survive tRPC's serialisation).
 */
export type CreationOptions = Omit<PublicKeyCredentialCreationOptionsJSON, "extensions">;
export type RequestOptions = Omit<PublicKeyCredentialRequestOptionsJSON, "extensions">;

export function creationOptions({
  extensions: _none,
  ...options
}: PublicKeyCredentialCreationOptionsJSON): CreationOptions {
  return options;
}

export function requestOptions({
  extensions: _none,
  ...options
}: PublicKeyCredentialRequestOptionsJSON): RequestOptions {
  return options;
}
