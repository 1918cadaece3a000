// What a host app uses to test against Tollgate (servers, clients, users, mailbox, clock, databases) is
// @tollgate/testing's; what only Tollgate's own suites need is here.
export * from "@tollgate/testing";
export * from "./cli.js";
export * from "./http-client.js";
export * from "./main-process.js";
export * from "./oidc-browser.js";
export * from "./oidc-provider.js";
export * from "./passkeys.js";
export * from "./server.js";
export * from "./signing-keys.js";
export * from "./throwaway-postgres.js";
export * from "./totp.js";
