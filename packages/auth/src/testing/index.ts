/**
 * @tollgate/auth/testing: for test suites of stores and servers built on
 * Tollgate. The conformance suite every SessionStore must pass, and the key
 * derivation, so a test can forge tokens with chosen claims.
 */
export { sha256 } from "../encoding.js";
export { createKeyring, type Keyring } from "../keyring.js";
export { type ConformanceFixture, describeSessionStoreConformance } from "./session-store-conformance.js";
